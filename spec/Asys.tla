-------------------------------- MODULE Asys --------------------------------
(***************************************************************************)
(* Asynchronous calls by thread-blocked hook and identity transfer.        *)
(*                                                                         *)
(* A caller runs its call on its own stack after two cheap preparations:   *)
(* it reserves a spare kernel thread from its CPU's pool and sets its own  *)
(* "thread blocked" hook.  If the call finishes without blocking, the      *)
(* caller clears the hook and returns QUICK: no completion is ever posted. *)
(* It keeps the spare: its identity holds it (Held) for its next call, so  *)
(* that the fast path touches no shared pool, and gives it back to the     *)
(* pool when its loop goes idle (SpareRelease).  If the call would block,  *)
(* the scheduler fires the hook: the spare takes over the caller's         *)
(* identity and returns IN_PROGRESS to user space, while the original      *)
(* thread stays blocked in the call.  When that thread finishes, submit's  *)
(* return path finds its hook clear, so it knows it is a kernel-only       *)
(* worker: it posts exactly one completion and goes back to the pool (or   *)
(* exits if the pool is full).  Calls with an explicit state machine need  *)
(* no thread when they would block; NONBLOCK returns EAGAIN instead of     *)
(* blocking; ATOMIC never sleeps to get the spare; a per-identity limit is *)
(* checked at submit.  The allocator may fail to start a thread while the  *)
(* supply has some left (AllocateFails).  A pool grows toward demand up to *)
(* PoolCap (a spare or worker going back to it stays) and shrinks back to  *)
(* PoolFloor as idle spares outlive their keep-alive (KeepAliveExit).      *)
(* With WithClose, identities and the runtime close with calls in flight:  *)
(* a closed identity ends only once each of its calls is done, and after   *)
(* the runtime's close every thread exits.                                 *)
(*                                                                         *)
(* This module is the mechanism only.  It carries no model-checking        *)
(* bounds: MCAsys.tla adds the symmetry, the witnesses and the refinement  *)
(* of AsysContract.tla; model-check/*.cfg give the sizes.                  *)
(*                                                                         *)
(* Fault selects one deliberately broken variant (each a one-line mistake  *)
(* marked "Fault" below); "none" is the design.  make check requires TLC   *)
(* to reject each variant by the property it is meant to break.            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    CPU,        \* processors; each has its own pool of idle spare threads
    KThread,    \* kernel threads (kernel stacks): a finite supply
    Identity,   \* user contexts (a user thread's registers and id)
    Call,       \* call ids; each is submitted at most once, by one identity
    PoolCap,    \* how many idle spares one CPU's pool holds at most
    PoolFloor,  \* how many it keeps through idle time: preallocated, never timed out
    Limit,      \* how many calls one identity may have in flight
    WithClose,  \* TRUE: the model includes Close, CloseRuntime, PoolExit, IdentityEnd
    Fault       \* "none", or the broken variant to model (see Faults)

CONSTANTS NoThread, NoId, NoCall, NoCpu   \* model values meaning "none"

Faults == {
    "none",
    "NoHookCheck",          \* the finishing thread does not check its hook: double return
    "HookKeptOnFastPath",   \* CompleteInline does not clear the hook
    "QuickPosts",           \* CompleteInline also posts a completion
    "AwaitNotAtomic",       \* await checks the queue, then sleeps in a later step: lost wakeup
    "NoSpareReserved",      \* submit sets the hook without reserving a spare
    "PoolBeforePost",       \* the worker goes back to the pool before posting
    "HookKeptAtFire",       \* HookFire does not clear the hook: the worker's next block fires again
    "AtomicSleeps",         \* an ATOMIC call with an empty pool goes to the allocator
    "NonblockFires",        \* WouldBlock ignores NONBLOCK: the hook fires
    "LimitSkipsInProgress", \* the limit at submit does not count IN_PROGRESS calls
    "AllocRetriesForever",  \* with no thread left, the allocator sleeps again instead of EAGAIN
    "AllocFailsInProgress", \* a failed thread start leaves the call IN_PROGRESS, as if parked for a retry
    "EndWithCallsInFlight", \* a closed identity ends without waiting for its calls
    "CloseDrainsOnce",      \* the runtime's close empties the pools once: a spare pooled later stays
    "KeepAliveRacesReserve",\* an idle spare's keep-alive exit races a Submit that reserves it
    "KeepAliveNever",       \* idle spares never time out: a pool that grew stays grown
    "HeldSpareShared"       \* the spare a caller keeps is left in its pool too: another caller may reserve it
}

ASSUME /\ PoolCap \in Nat
       /\ PoolFloor \in 0..PoolCap
       /\ Limit \in Nat \ {0}
       /\ WithClose \in BOOLEAN
       /\ Fault \in Faults
       /\ CPU # {} /\ Identity # {}
       \* the supply covers every identity and each pool's floor at start
       /\ Cardinality(KThread) >= Cardinality(Identity) + Cardinality(CPU) * PoolFloor

Flag      == {"NONBLOCK", "ATOMIC"}
Outcome   == {"QUICK", "IN_PROGRESS", "EAGAIN"}
NoOutcome == "none"

(***************************************************************************)
(* The states of a kernel thread.  Exactly one at a time:                  *)
(*   Unallocated  not a thread yet (or exited): part of the free supply    *)
(*   Pooled       an idle spare in the pool of CPU cpu[k]                  *)
(*   Reserved     the spare reserved for caller spareFor[k]; does nothing  *)
(*   Held         a spare kept by the identity u with held[u] = k between  *)
(*                its calls (out of every pool); does nothing              *)
(*   User         runs user code of identity carries[k]                    *)
(*   InCall       runs call running[k] for carries[k] on the caller's own  *)
(*                stack; hook set, or not yet set (asleep in allocator)    *)
(*   Returning    the spare that took over carries[k] at HookFire, on its  *)
(*                way back to user space with IN_PROGRESS                  *)
(*   Worker       kernel-only, finishing running[k]; blocked or running    *)
(*   Awaiting     carries[k], asleep in await until its queue is non-empty *)
(*   AwaitChecked only under Fault "AwaitNotAtomic": saw an empty queue    *)
(*                and has not yet gone to sleep                            *)
(***************************************************************************)
ThreadState == {"Unallocated", "Pooled", "Reserved", "Held", "User", "InCall",
                "Returning", "Worker", "Awaiting", "AwaitChecked"}

\* The states in which a thread carries an identity (IdentityUnique counts these).
Carrying == {"User", "InCall", "Returning", "Awaiting", "AwaitChecked"}

VARIABLES
    state,     \* state[k] \in ThreadState
    cpu,       \* cpu[k]: the CPU k runs (or last ran) on; a pooled thread's pool
    carries,   \* carries[k]: the identity k carries, NoId when it carries none
    running,   \* running[k]: the call k is in (InCall, Returning, Worker), else NoCall
    hook,      \* hook[k]: k's "thread blocked" hook is set
    spareFor,  \* spareFor[k]: for a Reserved thread, the caller it is reserved for
    blocked,   \* blocked[k]: a Worker is asleep (waiting for its event)
    held,      \* held[u]: the spare identity u keeps between its calls, or NoThread
    owner,     \* owner[x]: the identity that submitted x, NoId while x is unused
    flags,     \* flags[x] \subseteq Flag, as given at submit
    outcome,   \* outcome[x]: what submit decided for x, NoOutcome until then
    returns,   \* returns[x]: how often x returned to user space (history)
    posts,     \* posts[x]: how often x's completion was posted (history)
    reaps,     \* reaps[x]: how often x's completion was reaped (history)
    machines,  \* the calls whose explicit state machine is registered and pending
    queue,     \* queue[u]: the completions posted to u and not yet reaped
    closed,    \* the identities closed: they end once every call of theirs is done
    ended,     \* the identities whose loop has ended: no thread carries them any more
    shutdown,  \* the runtime is closed: pooled spares are told to exit
    act        \* the last step and its arguments: names steps in counterexamples
               \* and in replayed behaviours; the mechanism never reads it

threadVars == <<state, cpu, carries, running, hook, spareFor, blocked, held>>
callVars   == <<owner, flags, outcome, returns, posts, reaps, machines, queue>>
lifeVars   == <<closed, ended, shutdown>>
vars       == <<threadVars, callVars, lifeVars, act>>

TypeOK ==
    /\ state    \in [KThread -> ThreadState]
    /\ cpu      \in [KThread -> CPU \cup {NoCpu}]
    /\ carries  \in [KThread -> Identity \cup {NoId}]
    /\ running  \in [KThread -> Call \cup {NoCall}]
    /\ hook     \in [KThread -> BOOLEAN]
    /\ spareFor \in [KThread -> KThread \cup {NoThread}]
    /\ blocked  \in [KThread -> BOOLEAN]
    /\ held     \in [Identity -> KThread \cup {NoThread}]
    /\ owner    \in [Call -> Identity \cup {NoId}]
    /\ flags    \in [Call -> SUBSET Flag]
    /\ outcome  \in [Call -> Outcome \cup {NoOutcome}]
    /\ returns  \in [Call -> Nat]
    /\ posts    \in [Call -> Nat]
    /\ reaps    \in [Call -> Nat]
    /\ machines \subseteq Call
    /\ queue    \in [Identity -> SUBSET Call]
    /\ closed   \subseteq Identity
    /\ ended    \subseteq Identity
    /\ shutdown \in BOOLEAN

-----------------------------------------------------------------------------
(* Helpers *)

Pool(c)       == {k \in KThread : state[k] = "Pooled" /\ cpu[k] = c}
Free          == {k \in KThread : state[k] = "Unallocated"}
SparesOf(k)   == {s \in KThread : state[s] = "Reserved" /\ spareFor[s] = k}
CarrierOf(u)  == {k \in KThread : state[k] \in Carrying /\ carries[k] = u}

\* A call is done for its owner once it returned QUICK or EAGAIN, or once its
\* completion was reaped.  The other submitted calls are in flight.
Done(x)       == outcome[x] \in {"QUICK", "EAGAIN"} \/ reaps[x] > 0
InFlight(u)   == {x \in Call : owner[x] = u /\ ~Done(x)}
\* IN_PROGRESS calls of u whose completion has not been posted yet.
Outstanding(u) == {x \in Call : owner[x] = u /\ outcome[x] = "IN_PROGRESS" /\ posts[x] = 0}

\* The calls submit counts against the limit.  (Fault: not the IN_PROGRESS ones.)
CountedAtSubmit(u) ==
    IF Fault = "LimitSkipsInProgress"
    THEN {x \in InFlight(u) : outcome[x] # "IN_PROGRESS"}
    ELSE InFlight(u)

\* Where a thread leaving a call goes on CPU c: into c's pool, or, when that
\* pool is full, it exits and its stack goes back to the free supply.  (After
\* the runtime's close too: a spare pooled then is told to exit by PoolExit.)
ParkedState(c) == IF Cardinality(Pool(c)) < PoolCap THEN "Pooled" ELSE "Unallocated"

\* k leaves its call with state st; identity u keeps the spare reserved for k:
\* Held, out of every pool, for u's next call.  (Fault: the spare is left in the
\* pool of k's CPU as well, where another caller may reserve it while u counts
\* on it.)
HoldSpare(k, st, u) ==
    LET spares == SparesOf(k) IN
    /\ state' = [j \in KThread |-> IF j = k THEN st
                                   ELSE IF j \in spares
                                        THEN IF Fault = "HeldSpareShared" THEN "Pooled" ELSE "Held"
                                   ELSE state[j]]
    /\ cpu' = [j \in KThread |-> IF j \in spares THEN cpu[k] ELSE cpu[j]]
    /\ spareFor' = [j \in KThread |-> IF j \in spares THEN NoThread ELSE spareFor[j]]
    /\ held' = IF spares = {} THEN held ELSE [held EXCEPT ![u] = CHOOSE s \in spares : TRUE]

\* x's body has returned into submit on k: k runs x inline with its hook set,
\* or k is a worker that is running (not blocked).
CallBodyReturns(k) ==
    \/ state[k] = "InCall" /\ hook[k]
    \/ state[k] = "Worker" /\ ~blocked[k]

\* The hook check on submit's single return path: set means "I am the original
\* caller, nobody took over my identity".  (Fault: no check, always "caller".)
IsOriginalCaller(k) == IF Fault = "NoHookCheck" THEN TRUE ELSE hook[k]

\* Posting x's completion: it enters its owner's queue, and a thread of that
\* owner asleep in await is woken (one step: the post and the wake-up happen
\* under the queue's lock).  Given as the new value of state, queue and posts.
Woken(st, u) ==
    [j \in KThread |-> IF st[j] = "Awaiting" /\ carries[j] = u THEN "User" ELSE st[j]]
PostQueue(x) == [queue EXCEPT ![owner[x]] = @ \cup {x}]
PostCount(x) == [posts EXCEPT ![x] = @ + 1]

-----------------------------------------------------------------------------
(* Initial state: every identity runs user code on a thread of its own, on    *)
(* some CPU; each CPU's pool holds PoolFloor preallocated spares; the        *)
(* remaining threads are unallocated.                                         *)

InitCarrier == CHOOSE f \in [Identity -> KThread] :
                   \A u, v \in Identity : u # v => f[u] # f[v]
InitSpares  == CHOOSE p \in [CPU -> SUBSET (KThread \ {InitCarrier[u] : u \in Identity})] :
                   /\ \A c, d \in CPU : c # d => p[c] \cap p[d] = {}
                   /\ \A c \in CPU : Cardinality(p[c]) = PoolFloor
IsCarrier(k) == \E u \in Identity : InitCarrier[u] = k
IsSpare(k)   == \E c \in CPU : k \in InitSpares[c]
SpareCpu(k)  == CHOOSE c \in CPU : k \in InitSpares[c]

Init ==
    /\ \E home \in [Identity -> CPU] :
          cpu = [k \in KThread |-> IF IsCarrier(k)
                                   THEN home[CHOOSE u \in Identity : InitCarrier[u] = k]
                                   ELSE IF IsSpare(k) THEN SpareCpu(k) ELSE NoCpu]
    /\ state    = [k \in KThread |-> IF IsCarrier(k) THEN "User"
                                     ELSE IF IsSpare(k) THEN "Pooled" ELSE "Unallocated"]
    /\ carries  = [k \in KThread |-> IF IsCarrier(k)
                                     THEN CHOOSE u \in Identity : InitCarrier[u] = k
                                     ELSE NoId]
    /\ running  = [k \in KThread |-> NoCall]
    /\ hook     = [k \in KThread |-> FALSE]
    /\ spareFor = [k \in KThread |-> NoThread]
    /\ blocked  = [k \in KThread |-> FALSE]
    /\ held     = [u \in Identity |-> NoThread]
    /\ owner    = [x \in Call |-> NoId]
    /\ flags    = [x \in Call |-> {}]
    /\ outcome  = [x \in Call |-> NoOutcome]
    /\ returns  = [x \in Call |-> 0]
    /\ posts    = [x \in Call |-> 0]
    /\ reaps    = [x \in Call |-> 0]
    /\ machines = {}
    /\ queue    = [u \in Identity |-> {}]
    /\ closed   = {}
    /\ ended    = {}
    /\ shutdown = FALSE
    /\ act      = <<"Init">>

-----------------------------------------------------------------------------
(* Actions.  One operator per step of the real system. *)

(* Submit(k, x, fl): identity u, running user code on thread k, starts call x  *)
(* with flags fl.  Over u's in-flight limit: EAGAIN at once, nothing reserved. *)
(* Otherwise reserve a spare and set the hook; then run x on this stack.  The *)
(* spare is the one u holds from its last call, if any (no pool touched),     *)
(* else one from the pool of k's CPU.  Neither: an ATOMIC call returns EAGAIN *)
(* at once; any other enters the call with the hook not yet set and goes to   *)
(* the allocator, where it may sleep (see Allocate).  One step, five          *)
(* branches, each its own operator so that TLC's coverage names it.           *)
\* (The enabling conditions come first in each branch: TLC then rejects a branch
\* before it builds any part of its successor.)
CanSubmit(k, x) == state[k] = "User" /\ owner[x] = NoId

SubmitStarts(k, x, fl) ==
    /\ owner' = [owner EXCEPT ![x] = carries[k]]
    /\ flags' = [flags EXCEPT ![x] = fl]
    /\ act' = <<"Submit", k, x, fl>>
    /\ UNCHANGED <<posts, reaps, machines, queue, cpu, carries, blocked, lifeVars>>

OverLimit(k) == Cardinality(CountedAtSubmit(carries[k])) >= Limit
AtomicNoSpare(fl) == "ATOMIC" \in fl /\ Fault # "AtomicSleeps"

\* resource limit: EAGAIN at once
SubmitOverLimit(k, x, fl) ==
    /\ CanSubmit(k, x)
    /\ OverLimit(k)
    /\ SubmitStarts(k, x, fl)
    /\ outcome' = [outcome EXCEPT ![x] = "EAGAIN"]
    /\ returns' = [returns EXCEPT ![x] = 1]
    /\ UNCHANGED <<state, running, hook, spareFor, held>>

\* the fast preparation: reserve the spare u holds (no pool touched), set the hook
SubmitUsesHeld(k, x, fl) ==
    /\ CanSubmit(k, x)
    /\ held[carries[k]] # NoThread
    /\ ~OverLimit(k)
    /\ SubmitStarts(k, x, fl)
    /\ state' = [state EXCEPT ![k] = "InCall", ![held[carries[k]]] = "Reserved"]
    /\ spareFor' = [spareFor EXCEPT ![held[carries[k]]] = k]
    /\ held' = [held EXCEPT ![carries[k]] = NoThread]
    /\ hook' = [hook EXCEPT ![k] = TRUE]
    /\ running' = [running EXCEPT ![k] = x]
    /\ UNCHANGED <<outcome, returns>>

\* u holds none: reserve a spare from the pool (do nothing with it), set the hook
SubmitReserves(k, x, fl) ==
    /\ CanSubmit(k, x)
    /\ held[carries[k]] = NoThread
    /\ ~OverLimit(k)
    /\ SubmitStarts(k, x, fl)
    /\ \E s \in Pool(cpu[k]) :
          /\ state' = [state EXCEPT ![k] = "InCall",
                                    ![s] = IF Fault = "NoSpareReserved" THEN "Pooled" ELSE "Reserved"]
          /\ spareFor' = [spareFor EXCEPT ![s] = IF Fault = "NoSpareReserved" THEN NoThread ELSE k]
    /\ hook' = [hook EXCEPT ![k] = TRUE]
    /\ running' = [running EXCEPT ![k] = x]
    /\ UNCHANGED <<held, outcome, returns>>

\* ATOMIC never sleeps to get a spare: EAGAIN when the pool is empty
SubmitAtomicNoSpare(k, x, fl) ==
    /\ CanSubmit(k, x)
    /\ AtomicNoSpare(fl)
    /\ held[carries[k]] = NoThread
    /\ Pool(cpu[k]) = {}
    /\ ~OverLimit(k)
    /\ SubmitStarts(k, x, fl)
    /\ outcome' = [outcome EXCEPT ![x] = "EAGAIN"]
    /\ returns' = [returns EXCEPT ![x] = 1]
    /\ UNCHANGED <<state, running, hook, spareFor, held>>

\* go and allocate a spare; the hook is not set until there is one
SubmitToAllocator(k, x, fl) ==
    /\ CanSubmit(k, x)
    /\ ~AtomicNoSpare(fl)
    /\ held[carries[k]] = NoThread
    /\ Pool(cpu[k]) = {}
    /\ ~OverLimit(k)
    /\ SubmitStarts(k, x, fl)
    /\ state' = [state EXCEPT ![k] = "InCall"]
    /\ running' = [running EXCEPT ![k] = x]
    /\ UNCHANGED <<hook, spareFor, held, outcome, returns>>

Submit(k, x, fl) ==
    \/ SubmitOverLimit(k, x, fl)
    \/ SubmitUsesHeld(k, x, fl)
    \/ SubmitReserves(k, x, fl)
    \/ SubmitAtomicNoSpare(k, x, fl)
    \/ SubmitToAllocator(k, x, fl)

(* Allocate(k): the allocator returns to k, which entered its call with an   *)
(* empty pool.  A fresh thread becomes k's spare and the hook is set; or,    *)
(* the allocator having slept meanwhile, a spare that came back to the pool  *)
(* of k's CPU does; with no thread left in the supply, the call returns      *)
(* EAGAIN on k (at once, or when its bounded wait is over: the time it waits *)
(* is not modelled).  Branches as for Submit; AllocateWaitsAgain is taken    *)
(* only under its Fault (a wait with no bound).                              *)
CanAllocate(k) == state[k] = "InCall" /\ ~hook[k]
InAllocator(k) ==
    UNCHANGED <<cpu, carries, blocked, held, owner, flags, posts, reaps, machines, queue, lifeVars>>

\* the call on k returns EAGAIN from the allocator: no thread, no hook, no completion
AllocatorGivesUp(k) ==
    /\ state' = [state EXCEPT ![k] = "User"]
    /\ running' = [running EXCEPT ![k] = NoCall]
    /\ outcome' = [outcome EXCEPT ![running[k]] = "EAGAIN"]
    /\ returns' = [returns EXCEPT ![running[k]] = @ + 1]
    /\ UNCHANGED <<spareFor, held, hook>>

AllocateGives(k) ==
    /\ CanAllocate(k)
    /\ InAllocator(k)
    /\ act' = <<"Allocate", k, running[k]>>
    /\ \E s \in Free :
          /\ state' = [state EXCEPT ![s] = "Reserved"]
          /\ spareFor' = [spareFor EXCEPT ![s] = k]
    /\ hook' = [hook EXCEPT ![k] = TRUE]
    /\ UNCHANGED <<running, outcome, returns>>

\* the allocator slept, and a spare came back to the pool of k's CPU meanwhile
AllocateFromPool(k) ==
    /\ CanAllocate(k)
    /\ Pool(cpu[k]) # {}
    /\ InAllocator(k)
    /\ act' = <<"Allocate", k, running[k]>>
    /\ \E s \in Pool(cpu[k]) :
          /\ state' = [state EXCEPT ![s] = "Reserved"]
          /\ spareFor' = [spareFor EXCEPT ![s] = k]
    /\ hook' = [hook EXCEPT ![k] = TRUE]
    /\ UNCHANGED <<running, outcome, returns>>

AllocateExhausted(k) ==
    /\ CanAllocate(k)
    /\ Free = {}
    /\ Fault # "AllocRetriesForever"
    /\ InAllocator(k)
    /\ act' = <<"Allocate", k, running[k]>>
    /\ AllocatorGivesUp(k)

\* (Fault) waits again for a thread that never comes
AllocateWaitsAgain(k) ==
    /\ CanAllocate(k)
    /\ Free = {}
    /\ Fault = "AllocRetriesForever"
    /\ InAllocator(k)
    /\ act' = <<"Allocate", k, running[k]>>
    /\ UNCHANGED <<state, spareFor, held, hook, running, outcome, returns>>

Allocate(k) == AllocateGives(k) \/ AllocateFromPool(k) \/ AllocateExhausted(k) \/ AllocateWaitsAgain(k)

(* AllocateFails(k): the supply has threads left, but starting one fails     *)
(* (in the runtime: the thread factory throws, returns null, or gives a      *)
(* thread that dies before it runs the runtime's code).  Nothing is taken    *)
(* from the supply; the call returns EAGAIN on k, as on exhaustion.          *)
AllocateFails(k) ==
    /\ CanAllocate(k)
    /\ Free # {}
    /\ InAllocator(k)
    /\ act' = <<"AllocateFails", k, running[k]>>
    /\ IF Fault = "AllocFailsInProgress"
       THEN \* parked for a retry that never comes: k leaves the call, x is IN_PROGRESS
            /\ state' = [state EXCEPT ![k] = "User"]
            /\ running' = [running EXCEPT ![k] = NoCall]
            /\ outcome' = [outcome EXCEPT ![running[k]] = "IN_PROGRESS"]
            /\ returns' = [returns EXCEPT ![running[k]] = @ + 1]
            /\ UNCHANGED <<spareFor, held, hook>>
       ELSE AllocatorGivesUp(k)

(* CompleteInline(k): x's body returns into submit on k, and the hook check  *)
(* finds the hook still set: nobody took over the identity, k is the         *)
(* original caller.  Clear the hook, keep the spare for the identity's next  *)
(* call (Held), return QUICK on this same stack.  No completion is ever      *)
(* posted for x.                                                              *)
CompleteInline(k) ==
    LET x == running[k] IN
    /\ CallBodyReturns(k)
    /\ IsOriginalCaller(k)
    /\ HoldSpare(k, "User", owner[x])
    /\ carries' = [carries EXCEPT ![k] = owner[x]]
    /\ running' = [running EXCEPT ![k] = NoCall]
    /\ hook' = [hook EXCEPT ![k] = IF Fault = "HookKeptOnFastPath" THEN hook[k] ELSE FALSE]
    /\ blocked' = [blocked EXCEPT ![k] = FALSE]
    /\ outcome' = [outcome EXCEPT ![x] = "QUICK"]
    /\ returns' = [returns EXCEPT ![x] = @ + 1]
    /\ IF Fault = "QuickPosts"
       THEN posts' = PostCount(x) /\ queue' = PostQueue(x)
       ELSE UNCHANGED <<posts, queue>>
    /\ act' = <<"CompleteInline", k, x>>
    /\ UNCHANGED <<owner, flags, reaps, machines, lifeVars>>

(* WouldBlock(k): x's body on k reaches a point where it must sleep, and     *)
(* sleeping can be avoided.  NONBLOCK: give up and return EAGAIN.  Or the    *)
(* call has an explicit state machine for this point: register it (it will  *)
(* post the completion, see MachineComplete) and return IN_PROGRESS with no  *)
(* thread held.  Either way the hook is cleared and the spare is kept, as    *)
(* at CompleteInline.                                                        *)
(* (When no state machine exists the hook fires instead: HookFire.)          *)
WouldBlock(k) ==
    LET x == running[k]
        nb == "NONBLOCK" \in flags[x] /\ Fault # "NonblockFires" IN
    /\ state[k] = "InCall" /\ hook[k]
    /\ HoldSpare(k, "User", owner[x])
    /\ running' = [running EXCEPT ![k] = NoCall]
    /\ hook' = [hook EXCEPT ![k] = FALSE]
    /\ outcome' = [outcome EXCEPT ![x] = IF nb THEN "EAGAIN" ELSE "IN_PROGRESS"]
    /\ machines' = IF nb THEN machines ELSE machines \cup {x}
    /\ returns' = [returns EXCEPT ![x] = @ + 1]
    /\ act' = <<"WouldBlock", k, x, IF nb THEN "EAGAIN" ELSE "IN_PROGRESS">>
    /\ UNCHANGED <<carries, blocked, owner, flags, posts, reaps, queue, lifeVars>>

(* HookFire(k, s): x's body on k would block and no state machine can take   *)
(* over, so the scheduler fires k's hook before switching away.  The hook is *)
(* cleared; the reserved spare s takes over k's identity and will return     *)
(* IN_PROGRESS to user space (ReturnToUser); k stays blocked in the call as  *)
(* a kernel-only worker.  x is IN_PROGRESS from this step on.                *)
HookFire(k, s) ==
    LET x == running[k] IN
    /\ state[k] = "InCall" /\ hook[k]
    /\ "NONBLOCK" \notin flags[x] \/ Fault = "NonblockFires"
    /\ s \in SparesOf(k)
    /\ state' = [state EXCEPT ![k] = "Worker", ![s] = "Returning"]
    /\ carries' = [carries EXCEPT ![k] = NoId, ![s] = carries[k]]
    /\ running' = [running EXCEPT ![s] = x]
    /\ hook' = [hook EXCEPT ![k] = IF Fault = "HookKeptAtFire" THEN TRUE ELSE FALSE]
    /\ blocked' = [blocked EXCEPT ![k] = TRUE]
    /\ spareFor' = [spareFor EXCEPT ![s] = NoThread]
    /\ cpu' = [cpu EXCEPT ![s] = cpu[k]]
    /\ outcome' = [outcome EXCEPT ![x] = "IN_PROGRESS"]
    /\ act' = <<"HookFire", k, s, x>>
    /\ UNCHANGED <<held, owner, flags, returns, posts, reaps, machines, queue, lifeVars>>

(* ReturnToUser(s): the spare s that took over u at HookFire is scheduled,   *)
(* on any CPU, and returns to user space with IN_PROGRESS.  Other threads    *)
(* may run in between, so x's worker may already have posted.                *)
ReturnToUser(s) ==
    LET x == running[s] IN
    /\ state[s] = "Returning"
    /\ \E c \in CPU : cpu' = [cpu EXCEPT ![s] = c]
    /\ state' = [state EXCEPT ![s] = "User"]
    /\ running' = [running EXCEPT ![s] = NoCall]
    /\ returns' = [returns EXCEPT ![x] = @ + 1]
    /\ act' = <<"ReturnToUser", s, x>>
    /\ UNCHANGED <<carries, hook, spareFor, held, blocked, owner, flags, outcome,
                   posts, reaps, machines, queue, lifeVars>>

(* WorkerWake(k): the event a blocked worker waits for happens; it is        *)
(* scheduled, on any CPU.                                                    *)
WorkerWake(k) ==
    /\ state[k] = "Worker" /\ blocked[k]
    /\ \E c \in CPU : cpu' = [cpu EXCEPT ![k] = c]
    /\ blocked' = [blocked EXCEPT ![k] = FALSE]
    /\ act' = <<"WorkerWake", k, running[k]>>
    /\ UNCHANGED <<state, carries, running, hook, spareFor, held, callVars, lifeVars>>

(* WorkerBlock(k): a running worker blocks again.  Its hook is clear, so no  *)
(* hook fires: nothing but the block happens.                                *)
WorkerBlock(k) ==
    /\ state[k] = "Worker" /\ ~blocked[k]
    /\ blocked' = [blocked EXCEPT ![k] = TRUE]
    /\ act' = <<"WorkerBlock", k, running[k]>>
    /\ UNCHANGED <<state, cpu, carries, running, hook, spareFor, held, callVars, lifeVars>>

(* WorkerFinish(k): x's body returns into submit on k, and the hook check    *)
(* finds it clear: k is a kernel-only worker.  It posts exactly one          *)
(* completion to the owner's queue (waking the owner if asleep in await),    *)
(* then goes back to the pool of the CPU it is on, or exits if that pool is  *)
(* full.  It never returns to user space.                                    *)
WorkerFinish(k) ==
    LET x == running[k] IN
    /\ CallBodyReturns(k)
    /\ ~IsOriginalCaller(k)
    /\ running' = [running EXCEPT ![k] = NoCall]
    /\ blocked' = [blocked EXCEPT ![k] = FALSE]
    /\ IF Fault = "PoolBeforePost"
       THEN \* back in the pool first; the post was to follow
            /\ state' = [state EXCEPT ![k] = ParkedState(cpu[k])]
            /\ UNCHANGED <<posts, queue>>
       ELSE /\ state' = [Woken(state, owner[x]) EXCEPT ![k] = ParkedState(cpu[k])]
            /\ posts' = PostCount(x)
            /\ queue' = PostQueue(x)
    /\ act' = <<"WorkerFinish", k, x>>
    /\ UNCHANGED <<cpu, carries, hook, spareFor, held, owner, flags, outcome, returns,
                   reaps, machines, lifeVars>>

(* MachineComplete(x): x's explicit state machine finishes (an interrupt,    *)
(* no thread): post x's completion, waking its owner if asleep in await.     *)
MachineComplete(x) ==
    /\ x \in machines
    /\ machines' = machines \ {x}
    /\ state' = Woken(state, owner[x])
    /\ posts' = PostCount(x)
    /\ queue' = PostQueue(x)
    /\ act' = <<"MachineComplete", x>>
    /\ UNCHANGED <<cpu, carries, running, hook, spareFor, held, blocked, owner, flags,
                   outcome, returns, reaps, lifeVars>>

(* Await(k): u, on thread k, asks for a completion while its queue is empty  *)
(* and calls are outstanding: k sleeps until a post wakes it.  The check and *)
(* the sleep are one step, under the queue's lock.  (With nothing            *)
(* outstanding, await returns at once: no step.)                             *)
Await(k) ==
    LET u == carries[k] IN
    /\ state[k] = "User"
    /\ queue[u] = {}
    /\ Outstanding(u) # {}
    /\ state' = [state EXCEPT ![k] = IF Fault = "AwaitNotAtomic"
                                     THEN "AwaitChecked" ELSE "Awaiting"]
    /\ act' = <<"Await", k, u>>
    /\ UNCHANGED <<cpu, carries, running, hook, spareFor, held, blocked, callVars, lifeVars>>

(* AwaitInterrupted(k): something other than a post wakes u's sleeping       *)
(* thread (a signal; in the runtime, a new task for the loop): k goes back   *)
(* to user code with its queue as it was.  It may await again.               *)
AwaitInterrupted(k) ==
    /\ state[k] = "Awaiting"
    /\ state' = [state EXCEPT ![k] = "User"]
    /\ act' = <<"AwaitInterrupted", k, carries[k]>>
    /\ UNCHANGED <<cpu, carries, running, hook, spareFor, held, blocked, callVars, lifeVars>>

(* AwaitSleep(k): under Fault "AwaitNotAtomic" only: the thread that found  *)
(* the queue empty goes to sleep now, whatever was posted since.            *)
AwaitSleep(k) ==
    /\ state[k] = "AwaitChecked"
    /\ state' = [state EXCEPT ![k] = "Awaiting"]
    /\ act' = <<"AwaitSleep", k, carries[k]>>
    /\ UNCHANGED <<cpu, carries, running, hook, spareFor, held, blocked, callVars, lifeVars>>

(* Reap(k, x): u, on thread k, takes the completion of x from its queue.     *)
Reap(k, x) ==
    LET u == carries[k] IN
    /\ state[k] = "User"
    /\ x \in queue[u]
    /\ queue' = [queue EXCEPT ![u] = @ \ {x}]
    /\ reaps' = [reaps EXCEPT ![x] = @ + 1]
    /\ act' = <<"Reap", k, x>>
    /\ UNCHANGED <<threadVars, owner, flags, outcome, returns, posts, machines, lifeVars>>

(* Close, with WithClose only.  Close(u): u is closed.  The runtime's close  *)
(* rejects new work from then on; work it accepted before still runs, so     *)
(* the spec lets u submit on (the runtime's submit queue is not modelled).   *)
(* u ends once each of its calls is done: IdentityEnd.                       *)
Close(u) ==
    /\ WithClose
    /\ u \notin closed
    /\ closed' = closed \cup {u}
    /\ act' = <<"Close", u>>
    /\ UNCHANGED <<threadVars, callVars, ended, shutdown>>

(* CloseRuntime: the runtime is closed: every identity counts as closed, and *)
(* from now on every pooled thread is told to exit (PoolExit), those pooled  *)
(* later too.  (Fault: the pools are emptied once, here, and a spare that    *)
(* goes back to a pool afterwards stays there.)                              *)
CloseRuntime ==
    /\ WithClose
    /\ ~shutdown
    /\ shutdown' = TRUE
    /\ state' = IF Fault = "CloseDrainsOnce"
                THEN [k \in KThread |-> IF state[k] = "Pooled" THEN "Unallocated" ELSE state[k]]
                ELSE state
    /\ act' = <<"CloseRuntime">>
    /\ UNCHANGED <<cpu, carries, running, hook, spareFor, held, blocked, callVars, closed, ended>>

(* PoolExit(k): after the runtime's close, the pooled spare k is told to exit. *)
PoolExit(k) ==
    /\ WithClose
    /\ shutdown /\ Fault # "CloseDrainsOnce"
    /\ state[k] = "Pooled"
    /\ state' = [state EXCEPT ![k] = "Unallocated"]
    /\ act' = <<"PoolExit", k>>
    /\ UNCHANGED <<cpu, carries, running, hook, spareFor, held, blocked, callVars, lifeVars>>

(* IdentityEnd(k): u, closed, on thread k, has no call in flight: its loop   *)
(* ends and k goes to the pool of its CPU (or exits when that pool is full). *)
(* No thread carries u from now on.                                          *)
IdentityEnd(k) ==
    LET u == carries[k] IN
    /\ WithClose
    /\ state[k] = "User"
    /\ u \in closed \/ shutdown
    /\ InFlight(u) = {} \/ Fault = "EndWithCallsInFlight"
    /\ held[u] = NoThread
    /\ state' = [state EXCEPT ![k] = ParkedState(cpu[k])]
    /\ carries' = [carries EXCEPT ![k] = NoId]
    /\ ended' = ended \cup {u}
    /\ act' = <<"IdentityEnd", k, u>>
    /\ UNCHANGED <<cpu, running, hook, spareFor, held, blocked, callVars, closed, shutdown>>

(* KeepAliveExit(k): the pooled spare k has been idle for the keep-alive     *)
(* time, and its pool holds more than PoolFloor: k leaves the pool and       *)
(* exits.  Leaving the pool and the look at its size are one step (in the   *)
(* runtime the spare takes itself out of its slot with one CAS, under the    *)
(* pool's floor check), so a Submit that reserved k first wins and a         *)
(* reserved spare never exits.  (Fault: the spare exits on an old look at    *)
(* its own state, after a caller has reserved it: the hook has no spare.    *)
(* Fault: no keep-alive at all.)                                              *)
KeepAliveExit(k) ==
    /\ Fault # "KeepAliveNever"
    /\ \/ state[k] = "Pooled"
       \/ Fault = "KeepAliveRacesReserve" /\ state[k] = "Reserved"
    /\ Cardinality(Pool(cpu[k]) \cup {k}) > PoolFloor
    /\ state' = [state EXCEPT ![k] = "Unallocated"]
    /\ spareFor' = [spareFor EXCEPT ![k] = NoThread]
    /\ act' = <<"KeepAliveExit", k>>
    /\ UNCHANGED <<cpu, carries, running, hook, blocked, held, callVars, lifeVars>>

(* SpareRelease(k): u's loop, on thread k, goes idle and gives back the spare *)
(* it holds: to the pool of k's CPU, or the spare exits when that pool is    *)
(* full.  (The runtime's loop does so before it sleeps and before it ends;   *)
(* one that keeps calling keeps its spare.)                                  *)
SpareRelease(k) ==
    LET u == carries[k]
        s == held[carries[k]] IN
    /\ state[k] = "User"
    /\ s # NoThread
    /\ state' = [state EXCEPT ![s] = ParkedState(cpu[k])]
    /\ cpu' = [cpu EXCEPT ![s] = cpu[k]]
    /\ held' = [held EXCEPT ![u] = NoThread]
    /\ act' = <<"SpareRelease", k, s>>
    /\ UNCHANGED <<carries, running, hook, spareFor, blocked, callVars, lifeVars>>

(* Every submitted call is done and no thread is in a call: the system only  *)
(* stutters.  (Keeps deadlock checking meaningful: any other state with no    *)
(* step is a real deadlock.)                                                  *)
Quiescent ==
    /\ \A x \in Call : IF owner[x] # NoId THEN Done(x) ELSE ended = Identity
    /\ \A k \in KThread : state[k] \notin {"InCall", "Returning", "Worker", "AwaitChecked"}
Terminated == Quiescent /\ UNCHANGED vars

Next ==
    \/ \E k \in KThread, x \in Call, fl \in SUBSET Flag : Submit(k, x, fl)
    \/ \E k \in KThread : Allocate(k)
    \/ \E k \in KThread : AllocateFails(k)
    \/ \E k \in KThread : CompleteInline(k)
    \/ \E k \in KThread : WouldBlock(k)
    \/ \E k, s \in KThread : HookFire(k, s)
    \/ \E s \in KThread : ReturnToUser(s)
    \/ \E k \in KThread : WorkerWake(k)
    \/ \E k \in KThread : WorkerBlock(k)
    \/ \E k \in KThread : WorkerFinish(k)
    \/ \E x \in Call : MachineComplete(x)
    \/ \E k \in KThread : Await(k)
    \/ \E k \in KThread : AwaitInterrupted(k)
    \/ \E k \in KThread : AwaitSleep(k)
    \/ \E k \in KThread, x \in Call : Reap(k, x)
    \/ \E u \in Identity : Close(u)
    \/ CloseRuntime
    \/ \E k \in KThread : PoolExit(k)
    \/ \E k \in KThread : IdentityEnd(k)
    \/ \E k \in KThread : KeepAliveExit(k)
    \/ \E k \in KThread : SpareRelease(k)
    \/ Terminated

(***************************************************************************)
(* Fairness: what the real system guarantees, and no more.                 *)
(*  - The scheduler runs runnable threads and the allocator returns: weak  *)
(*    fairness on every step of a thread that is not waiting for an event *)
(*    (a call running inline finishes or blocks; a spare returns to user  *)
(*    space; the allocator answers).                                       *)
(*  - The events blocked workers wait for happen: weak fairness on         *)
(*    WorkerWake; state machines finish: weak fairness on MachineComplete. *)
(*  - Calls terminate: strong fairness on WorkerFinish.  This is an        *)
(*    assumption on calls, not on the scheduler: a worker that keeps       *)
(*    blocking is running infinitely often and must finish.                *)
(*  - Users are not obliged to submit or await.  An identity that keeps    *)
(*    awaiting reaps: weak fairness on Reap.                               *)
(*  - Users are not obliged to close.  A closed identity with nothing in   *)
(*    flight ends, and a pooled spare told to exit exits: weak fairness on *)
(*    IdentityEnd and PoolExit.                                            *)
(*  - Time passes: a spare idle past its keep-alive in a pool above its    *)
(*    floor exits (weak fairness on KeepAliveExit).                        *)
(*  - A loop that stops calling goes idle and gives back the spare it      *)
(*    holds (weak fairness on SpareRelease).                               *)
(***************************************************************************)
Fairness ==
    /\ \A k \in KThread :
          /\ WF_vars(CompleteInline(k) \/ WouldBlock(k) \/ \E s \in KThread : HookFire(k, s))
          /\ WF_vars(Allocate(k))
          /\ WF_vars(ReturnToUser(k))
          /\ WF_vars(AwaitSleep(k))
          /\ WF_vars(WorkerWake(k))
          /\ SF_vars(WorkerFinish(k))
          /\ \A x \in Call : WF_vars(Reap(k, x))
          /\ WF_vars(IdentityEnd(k))
          /\ WF_vars(PoolExit(k))
          /\ WF_vars(KeepAliveExit(k))
          /\ WF_vars(SpareRelease(k))
    /\ \A x \in Call : WF_vars(MachineComplete(x))

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Safety: invariants checked by TLC on every reachable state. *)

\* Every identity is carried by exactly one thread at every moment until it
\* ends, and by none after.  No two threads ever run one identity's user code:
\* the "double return" guard.
IdentityUnique ==
    \A u \in Identity : Cardinality(CarrierOf(u)) = IF u \in ended THEN 0 ELSE 1

\* Each call returns to user space at most once, and only once submitted.
ReturnedOnce ==
    \A x \in Call : /\ returns[x] <= 1
                    /\ returns[x] = 1 => owner[x] # NoId /\ outcome[x] # NoOutcome

\* Each call is posted at most once and reaped at most once, reaped only if
\* posted; QUICK and EAGAIN calls are never posted.
CompletionOnce ==
    \A x \in Call : /\ posts[x] <= 1
                    /\ reaps[x] <= posts[x]
                    /\ outcome[x] \in {"QUICK", "EAGAIN"} => posts[x] = 0

\* Every IN_PROGRESS call has exactly one custodian at every moment: its worker,
\* its registered state machine, a slot in its owner's queue, or "reaped".
Custodians(x) ==
    Cardinality({k \in KThread : state[k] = "Worker" /\ running[k] = x})
    + (IF x \in machines THEN 1 ELSE 0)
    + (IF owner[x] # NoId /\ x \in queue[owner[x]] THEN 1 ELSE 0)
    + (IF reaps[x] > 0 THEN 1 ELSE 0)
NoLostCompletion ==
    \A x \in Call : outcome[x] = "IN_PROGRESS" => Custodians(x) = 1

\* A set hook belongs to a thread in a call for its own identity: threads in
\* User, Returning, Awaiting (and workers) never have a set hook.
HookDiscipline ==
    \A k \in KThread : hook[k] =>
        /\ state[k] = "InCall"
        /\ running[k] # NoCall
        /\ carries[k] = owner[running[k]]

\* No pool exceeds PoolCap; a set hook has exactly one spare reserved for it,
\* and every reserved spare belongs to a caller whose hook is set.  A spare
\* held between calls is its identity's alone: in no pool, reserved for no
\* caller, held by no other identity, and by none that has ended.
PoolConservation ==
    /\ \A c \in CPU : Cardinality(Pool(c)) <= PoolCap
    /\ \A k \in KThread : hook[k] => Cardinality(SparesOf(k)) = 1
    /\ \A s \in KThread : state[s] = "Reserved" =>
          /\ spareFor[s] # NoThread
          /\ hook[spareFor[s]]
    /\ \A u \in Identity : held[u] # NoThread =>
          /\ state[held[u]] = "Held"
          /\ u \notin ended
          /\ \A v \in Identity \ {u} : held[v] # held[u]
    /\ \A s \in KThread : state[s] = "Held" => \E u \in Identity : held[u] = s

\* An ATOMIC call is never asleep in the allocator.
AtomicNeverWaits ==
    \A k \in KThread : (state[k] = "InCall" /\ ~hook[k]) => "ATOMIC" \notin flags[running[k]]

\* A NONBLOCK call never sleeps inside the call: no worker, no state machine,
\* never IN_PROGRESS.
NonblockNeverSleeps ==
    \A x \in Call : "NONBLOCK" \in flags[x] =>
        /\ outcome[x] # "IN_PROGRESS"
        /\ x \notin machines
        /\ \A k \in KThread : ~(state[k] = "Worker" /\ running[k] = x)

\* A queue holds only IN_PROGRESS completions of its own identity: a QUICK or
\* EAGAIN call never shows up there.
QueueHoldsInProgress ==
    \A u \in Identity, x \in Call : x \in queue[u] => outcome[x] = "IN_PROGRESS" /\ owner[x] = u

\* An identity ends only with every call of its own done: nothing in flight,
\* nothing left in its queue.
EndedCleanly ==
    \A u \in ended : InFlight(u) = {} /\ queue[u] = {}

\* No thread is asleep in await while its identity's queue is non-empty.
NoLostWakeup ==
    \A k \in KThread : state[k] = "Awaiting" => queue[carries[k]] = {}

Safety ==
    /\ TypeOK /\ IdentityUnique /\ ReturnedOnce /\ CompletionOnce /\ NoLostCompletion
    /\ HookDiscipline /\ PoolConservation /\ AtomicNeverWaits /\ NonblockNeverSleeps
    /\ NoLostWakeup /\ QueueHoldsInProgress /\ EndedCleanly

-----------------------------------------------------------------------------
(* Liveness, under Fairness above. *)

\* Every submitted call returns to user space.
EveryCallReturns == \A x \in Call : owner[x] # NoId ~> returns[x] > 0
\* Every IN_PROGRESS call is eventually posted.
InProgressPosted == \A x \in Call : outcome[x] = "IN_PROGRESS" ~> posts[x] > 0
\* A thread asleep in await is woken.
AwaiterWoken == \A k \in KThread : state[k] = "Awaiting" ~> state[k] # "Awaiting"
\* An identity that keeps awaiting reaps every completion posted to it.
PostedReaped == \A x \in Call : posts[x] > 0 ~> reaps[x] > 0
\* A closed identity ends: each of its calls gets its outcome first (EndedCleanly).
ClosedIdentityEnds == \A u \in Identity : (u \in closed \/ shutdown) ~> u \in ended
\* An idle spare in a pool above its floor exits, unless it is put to work first
\* or the pool comes down to its floor: an idle runtime keeps PoolFloor spares a pool.
IdleSparesExit ==
    \A k \in KThread :
        (state[k] = "Pooled" /\ Cardinality(Pool(cpu[k])) > PoolFloor)
            ~> (state[k] # "Pooled" \/ Cardinality(Pool(cpu[k])) <= PoolFloor)
\* After the runtime's close every thread exits.
CloseEndsEveryThread == shutdown ~> \A k \in KThread : state[k] = "Unallocated"

=============================================================================
