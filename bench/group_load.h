#ifndef SWITCHBOARD_BENCH_GROUP_LOAD_H_
#define SWITCHBOARD_BENCH_GROUP_LOAD_H_

namespace switchboard::bench {

// bench_load --mode=group --count=K --members=N[,N...] --server_pid=PID
// [--broker_pid=NATS_PID]: stores a backlog of K webhooks, reads it once
// with a plain Subscribe from its first event (events/s), then drains it
// with a consumer group of each N members (fresh group each; a member acks
// every batch as it arrives): events acked and confirmed per second, against
// the Subscribe figure of the same run, and the CPU time the drain cost per
// event: the server's, the broker's (nats-server, with --broker_pid) and
// this client's. Before all that, the memory of 200 idle members (server RSS
// per member). Prints one JSON line for the memory, then one per member
// count. Returns the exit status (1 when a drain did not complete).
int Groups();

}  // namespace switchboard::bench

#endif  // SWITCHBOARD_BENCH_GROUP_LOAD_H_
