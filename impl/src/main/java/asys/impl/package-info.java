/**
 * The asys reference runtime (issue 4): an event loop as the identity, a lane's pool of parked
 * spare threads, and the thread-blocked hook that hands the loop to a spare when a call blocks.
 * The vocabulary is the spec's (spec/Asys.tla): Submit, HookFire, ReturnToUser, WorkerFinish, ...
 */
package asys.impl;
