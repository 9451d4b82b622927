package dev.cairn.safekeeper.grpc;

import io.grpc.stub.StreamObserver;

/** A response stream written from several threads (gRPC observers are not thread-safe). */
final class SerializedObserver {
    private final StreamObserver<dev.cairn.proto.safekeeper.v1.AcceptorMessage> delegate;
    private boolean done;

    SerializedObserver(StreamObserver<dev.cairn.proto.safekeeper.v1.AcceptorMessage> delegate) {
        this.delegate = delegate;
    }

    synchronized void next(dev.cairn.proto.safekeeper.v1.AcceptorMessage m) {
        if (done) {
            return;
        }
        try {
            delegate.onNext(m);
        } catch (RuntimeException e) {
            done = true; // the call was cancelled under us
        }
    }

    synchronized void error(Throwable t) {
        if (!done) {
            done = true;
            delegate.onError(t);
        }
    }

    synchronized void complete() {
        if (!done) {
            done = true;
            delegate.onCompleted();
        }
    }

    synchronized void close() {
        done = true;
    }
}
