/**
 * The consensus between WAL proposers and safekeeper acceptors, as pure logic: {@link
 * dev.cairn.safekeeper.consensus.Acceptor} maps each request to storage actions and a reply,
 * {@link dev.cairn.safekeeper.consensus.WalProposer} is the proposer's state machine. Transport,
 * storage, clocks and threads live outside this package, so the same code runs in the deterministic
 * simulation and in the service.
 *
 * <p>Invariants (checked by the simulation after every step):
 * <ol>
 *   <li>No acknowledged LSN is ever lost: every later leader's log contains the committed prefix, and a
 *       majority of acceptors holds it durably at all times.</li>
 *   <li>Two logs never diverge below the commit LSN: each acceptor's WAL up to its commit LSN is the
 *       committed prefix.</li>
 *   <li>At most one proposer gets appends accepted per term.</li>
 * </ol>
 */
package dev.cairn.safekeeper.consensus;
