#ifndef SWITCHBOARD_BENCH_FANOUT_LOAD_H_
#define SWITCHBOARD_BENCH_FANOUT_LOAD_H_

namespace switchboard::bench {

// bench_load --mode=fanout (the top of bench/bench_load.cc describes it):
// two runs of SUBSCRIBERS plain streams with mixed filters, the second with
// deliberately slow subscribers beside them; prints one JSON line and
// returns the exit status (1 when a delivery is missing or a send failed).
int Fanout();

}  // namespace switchboard::bench

#endif  // SWITCHBOARD_BENCH_FANOUT_LOAD_H_
