// Package clientbench chooses the Redis client of the Redis adapter by
// measurement: github.com/redis/go-redis/v9 against github.com/redis/rueidis,
// on what a Socket.IO adapter does with Redis. It publishes small binary
// payloads, receives through PSUBSCRIBE, SUBSCRIBE and SSUBSCRIBE, counts
// servers with PUBSUB NUMSUB and SHARDNUMSUB, uses sharded pub/sub in a
// Redis Cluster, and must get its subscriptions back after Redis restarts.
//
// It is all tests, against real servers from redistest, and a module of
// its own so that the adapter's module requires only the client chosen.
// RESULTS.md has the commands, the numbers and the choice.
package clientbench
