------------------------------- MODULE MCAsys -------------------------------
(***************************************************************************)
(* Model-checking wrapper for Asys: symmetry, the refinement mapping to    *)
(* AsysContract, the view that keeps the history variable act out of the   *)
(* state's identity, a bound for the broken variants whose counters could  *)
(* grow, and the witnesses that show each broken variant's situation is    *)
(* reached by the healthy spec (so no check passes vacuously).             *)
(***************************************************************************)
EXTENDS Asys, TLC

\* Threads, identities, calls and CPUs are interchangeable.  (Not sound with
\* liveness checking: liveness configs do not use it.)
Symmetry == Permutations(KThread) \cup Permutations(Identity)
            \cup Permutations(Call) \cup Permutations(CPU)

\* The state's identity, without act.
View == <<threadVars, callVars, lifeVars>>

\* Broken variants may count past 1; the counters stay small in the state graph.
Bounded == \A x \in Call : returns[x] <= 2 /\ posts[x] <= 2 /\ reaps[x] <= 2

-----------------------------------------------------------------------------
(* Refinement: threads, pools and hooks hidden.  A call is IN_PROGRESS from *)
(* the step that decides it (HookFire, or WouldBlock registering a state    *)
(* machine), not from ReturnToUser: its worker may post before the spare    *)
(* reaches user space.  A call that was rejected at submit has no state     *)
(* between idle and eagain.  The contract counts completions (posts), so a *)
(* second post, or a post of a QUICK or EAGAIN call, is not a step of it.   *)
AbsState(x) ==
    CASE owner[x] = NoId                -> "idle"
      [] outcome[x] = "QUICK"           -> "quick"
      [] outcome[x] = "EAGAIN"          -> "eagain"
      [] outcome[x] = "IN_PROGRESS"     -> IF reaps[x] > 0 THEN "reaped"
                                           ELSE IF posts[x] > 0 THEN "posted"
                                           ELSE "inprogress"
      [] OTHER                          -> "submitted"

Contract == INSTANCE AsysContract WITH
                cstate <- [x \in Call |-> AbsState(x)],
                cowner <- owner,
                cposts <- posts

Refinement    == Contract!Spec
CallDecided   == Contract!CallDecided
CallCompletes == Contract!CallCompletes

-----------------------------------------------------------------------------
(* Replay (TLC to runtime): the behaviours TLC generates for replay on the  *)
(* runtime follow the runtime loop's policy, which the spec leaves open: a  *)
(* loop reaps every posted completion before it submits or sleeps again,   *)
(* and a call that found its pool empty is allocated for at once (the      *)
(* runtime allocates inside submit); the replay harness's thread factory   *)
(* does not fail (AllocateFails is validated from runtime traces instead). *)
(* An action constraint, so TLC only                                        *)
(* takes the steps this policy allows (as a conjunct of ReplayNext: TLC's   *)
(* random simulation does not apply ACTION_CONSTRAINTs).                    *)
ReplayPolicy ==
    /\ act'[1] \in {"Submit", "Await"} => queue[carries[act'[2]]] = {}
    /\ (act[1] = "Submit" /\ state[act[2]] = "InCall" /\ ~hook[act[2]]) => act'[1] = "Allocate"
    /\ act'[1] # "AllocateFails"

ReplayNext == Next /\ ReplayPolicy

-----------------------------------------------------------------------------
(* Witnesses.  Each Unreached_X is checked as an invariant that TLC must    *)
(* find violated: the healthy spec does reach situation X.                  *)

\* (for NoHookCheck) a worker about to finish while its identity lives on
\* elsewhere: the finishing thread must not return to user space.
Unreached_WorkerFinishing ==
    ~\E k \in KThread : state[k] = "Worker" /\ ~blocked[k]
                        /\ Cardinality(CarrierOf(owner[running[k]])) = 1

\* (for HookKeptOnFastPath) a QUICK return: the fast path is taken.
Unreached_QuickReturn == ~\E x \in Call : outcome[x] = "QUICK"

\* (for QuickPosts) a QUICK call and a posted completion of the same identity.
Unreached_QuickBesidePost ==
    ~\E x, y \in Call : outcome[x] = "QUICK" /\ y \in queue[owner[x]]

\* (for AwaitNotAtomic) a thread asleep in await while the worker that will
\* wake it is running: the window a non-atomic check would lose.
Unreached_AwaitRace ==
    ~\E k, w \in KThread : /\ state[k] = "Awaiting"
                           /\ state[w] = "Worker" /\ ~blocked[w]
                           /\ owner[running[w]] = carries[k]

\* (for NoSpareReserved) a hook fires while every pool is empty: only the
\* spare reserved at submit is there to take over.
Unreached_FireWithEmptyPools ==
    ~\E s \in KThread : state[s] = "Returning" /\ \A c \in CPU : Pool(c) = {}

\* (for PoolBeforePost) a completion posted before its IN_PROGRESS has reached
\* user space.
Unreached_PostBeforeReturn ==
    ~\E x \in Call : outcome[x] = "IN_PROGRESS" /\ posts[x] = 1 /\ returns[x] = 0

\* (for HookKeptAtFire) a worker blocks a second time.
Unreached_SecondBlock ==
    ~\E k \in KThread : state[k] = "Worker" /\ blocked[k] /\ act[1] = "WorkerBlock"

\* (for AtomicSleeps) an ATOMIC call gets EAGAIN because the pool is empty.
Unreached_AtomicEagain ==
    ~\E x \in Call : "ATOMIC" \in flags[x] /\ outcome[x] = "EAGAIN" /\ returns[x] = 1
                     /\ act[1] = "Submit"

\* (for NonblockFires) a NONBLOCK call would block and returns EAGAIN.
Unreached_NonblockEagain ==
    ~\E x \in Call : "NONBLOCK" \in flags[x] /\ act[1] = "WouldBlock" /\ outcome[x] = "EAGAIN"

\* (for LimitSkipsInProgress) the limit rejects a call while another is IN_PROGRESS.
Unreached_LimitWithInProgress ==
    ~\E x, y \in Call : /\ act[1] = "Submit" /\ act[3] = x /\ outcome[x] = "EAGAIN"
                        /\ owner[y] = owner[x] /\ outcome[y] = "IN_PROGRESS" /\ reaps[y] = 0

\* (for AllocRetriesForever) the allocator finds no thread left and fails the call.
Unreached_AllocatorExhausted ==
    ~(act[1] = "Allocate" /\ outcome[act[3]] = "EAGAIN")

\* (for the state-machine path) a state machine completes a call.
Unreached_MachineComplete == ~(act[1] = "MachineComplete")

\* (for AllocFailsInProgress) a thread start fails while the supply has threads left.
Unreached_AllocateFails == ~(act[1] = "AllocateFails")

\* (for EndWithCallsInFlight) an identity is closed while a call of its own is in flight.
Unreached_CloseWithCallInFlight ==
    ~\E u \in closed : \E x \in Call : owner[x] = u /\ outcome[x] = "IN_PROGRESS" /\ reaps[x] = 0

\* (for EndWithCallsInFlight) a closed identity that had calls ends.
Unreached_IdentityEndAfterCalls ==
    ~\E u \in ended : \E x \in Call : owner[x] = u /\ outcome[x] = "IN_PROGRESS"

\* (for CloseDrainsOnce) a spare goes back to a pool after the runtime's close.
Unreached_PooledAfterClose ==
    ~(shutdown /\ act[1] \in {"CompleteInline", "WouldBlock", "WorkerFinish", "IdentityEnd"}
      /\ \E k \in KThread : state[k] = "Pooled")

\* (for KeepAliveRacesReserve) an idle spare outlives its keep-alive and exits.
Unreached_KeepAliveExit == ~(act[1] = "KeepAliveExit")

\* (for HeldSpareShared) an identity holds a spare while another identity's
\* call has one reserved: the two must never be the same thread.
Unreached_HeldBesideReserved ==
    ~\E u \in Identity, k \in KThread : held[u] # NoThread /\ hook[k] /\ carries[k] # u

\* (for the adaptive pool) a pool holds more spares than its floor: it grew
\* with workers and spares that came back to it.
Unreached_PoolAboveFloor == ~\E c \in CPU : Cardinality(Pool(c)) > PoolFloor

=============================================================================
