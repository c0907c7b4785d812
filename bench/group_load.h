#ifndef SWITCHBOARD_BENCH_GROUP_LOAD_H_
#define SWITCHBOARD_BENCH_GROUP_LOAD_H_

namespace switchboard::bench {

// bench_load --mode=group --count=K --members=N[,N...] --server_pid=PID:
// stores a backlog of K webhooks, reads it once with a plain Subscribe from
// its first event (events/s), then drains it with a consumer group of each N
// members (fresh group each; a member acks every batch as it arrives): events
// acked and confirmed per second, against the Subscribe figure of the same
// run. Then the memory of 100 idle members (server RSS per member). Prints
// one JSON line per member count, then one for the memory. Returns the exit
// status (1 when a drain did not complete).
int Groups();

}  // namespace switchboard::bench

#endif  // SWITCHBOARD_BENCH_GROUP_LOAD_H_
