package dev.cairn.cli.compute;

import dev.cairn.safekeeper.client.AcceptorAddress;

import java.util.ArrayList;
import java.util.List;

/** {@code --safekeepers H:P,H:P,...} as the proposer's acceptor addresses (ids 1..n in the given order). */
final class SafekeeperList {
    private SafekeeperList() {
    }

    static List<AcceptorAddress> parse(List<String> hostPorts) {
        if (hostPorts.size() < 3 || hostPorts.size() % 2 == 0) {
            throw new IllegalArgumentException("--safekeepers needs an odd number (at least 3) of HOST:PORT, got "
                    + hostPorts.size());
        }
        List<AcceptorAddress> out = new ArrayList<>();
        for (int i = 0; i < hostPorts.size(); i++) {
            out.add(AcceptorAddress.parse(i + 1, hostPorts.get(i)));
        }
        return out;
    }
}
