------------------------------ MODULE AsysTrace ------------------------------
(***************************************************************************)
(* Trace validation: is a log written by the Java runtime a behaviour of   *)
(* Asys?  Many logs are checked in one TLC run: Init picks a trace t, and  *)
(* each step must be a step of Asys that the event at index i describes.   *)
(* An event names the spec action and the ids involved; a field it omits   *)
(* matches any value.  The traces, and the constants of Asys sized for     *)
(* them, come from the generated module AsysTraceData (written by the      *)
(* validator in model-check/, one per group of traces with equal          *)
(* settings).  Its Traces is defined in Java (asys.modelcheck.TraceData):  *)
(* the runtime's JSON Lines files become TLC values directly, for parsing *)
(* them as TLA+ text cost more than checking them.                         *)
(*                                                                         *)
(* Two invariants, always true, print what the validator reads:          *)
(*   TraceAccepted: <<"TRACE_OK", t>> when trace t is matched to its end  *)
(*   TraceReport:   also <<"TRACE_STUCK", t, i, event, state, enabled>>   *)
(*                  when no step of Asys matches event i (costly: ENABLED *)
(*                  in every state; run only on the traces not accepted) *)
(* A trace is accepted when TRACE_OK is printed for it; otherwise the      *)
(* first event that no spec action can take is the highest i printed.     *)
(***************************************************************************)
(***************************************************************************)
(* The fields of an event, as the runtime writes them (the format is       *)
(* asys.runtime.TraceAction, its one definition), what each is in the     *)
(* spec, and where the runtime takes it from:                              *)
(*                                                                         *)
(*   JSON        spec                          Java                        *)
(*   action      the action of Next            TraceAction                 *)
(*   thread      k, the thread taking the step  KThread.id                 *)
(*   spare       s, spareFor / HookFire's s    KThread.spare (its id)      *)
(*               (SpareRelease: held[u])       (IdentityLoop.held)         *)
(*   identity    u, carries[k]                 Identity.id                 *)
(*   call        x, running[k]                 CallRecord.id               *)
(*   flags       fl, flags[x]                  CallRecord.flags            *)
(*   outcome     outcome'[x]                   Outcome                     *)
(*   hook        hook'[k]                      KThread.spare # null        *)
(*   lane        cpu[k] (not read here)        Lane.id                     *)
(*   reason      (none: EAGAIN's cause)        EagainReason                *)
(*   via, site   (none: where a block was)     AutomaticHook.sites()       *)
(*                                                                         *)
(* The Layout event, first in every trace, gives the initial state:        *)
(* pooled = <<thread, lane>> pairs (state "Pooled", cpu), carriers =       *)
(* <<identity, thread, lane>> (carries, state "User"); its settings size   *)
(* the constants (lanes: CPU, spareCapacity: PoolCap, spareFloor:          *)
(* PoolFloor, threadLimit: the KThread set, inFlightLimit: Limit).         *)
(***************************************************************************)
EXTENDS Asys, AsysTraceData, Sequences, TLC

VARIABLES t,   \* which trace of Traces
          i    \* the index of the next event of Traces[t].events

Events == Traces[t].events
Ev     == Events[i]
Has(e, f) == f \in DOMAIN e

\* The initial state the runtime's Layout event gives: pooled spares on their
\* lanes, identities on their carriers, every other thread unallocated.
LayoutInit(l) ==
    LET pooled   == {p[1] : p \in l.pooled}
        carriers == {c[2] : c \in l.carriers}
        laneOf(k) == IF k \in pooled THEN (CHOOSE p \in l.pooled : p[1] = k)[2]
                     ELSE IF k \in carriers THEN (CHOOSE c \in l.carriers : c[2] = k)[3]
                     ELSE NoCpu
        idOf(k)   == IF k \in carriers THEN (CHOOSE c \in l.carriers : c[2] = k)[1] ELSE NoId
    IN
    /\ state    = [k \in KThread |-> IF k \in pooled THEN "Pooled"
                                     ELSE IF k \in carriers THEN "User" ELSE "Unallocated"]
    /\ cpu      = [k \in KThread |-> laneOf(k)]
    /\ carries  = [k \in KThread |-> idOf(k)]
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

TraceInit ==
    /\ t \in 1..Len(Traces)
    /\ i = 1
    /\ LayoutInit(Traces[t].layout)

(* One predicate per logged event, each the spec's action with the event's *)
(* ids, and the effects the event reports.                                  *)

IsSubmit ==
    /\ Ev.action = "Submit"
    /\ Submit(Ev.thread, Ev.call, Ev.flags)
    /\ Has(Ev, "spare") => state'[Ev.spare] = "Reserved" /\ spareFor'[Ev.spare] = Ev.thread
    /\ Has(Ev, "outcome") => outcome'[Ev.call] = Ev.outcome
    /\ ~Has(Ev, "spare") /\ ~Has(Ev, "outcome") => state'[Ev.thread] = "InCall" /\ ~hook'[Ev.thread]

IsAllocate ==
    /\ Ev.action = "Allocate"
    /\ Allocate(Ev.thread)
    /\ Has(Ev, "spare") => spareFor'[Ev.spare] = Ev.thread
    \* the spare came from the pool (the allocator waited), or is a fresh thread
    /\ Has(Ev, "pooled") => (state[Ev.spare] = "Pooled") = Ev.pooled
    /\ Has(Ev, "outcome") => outcome'[Ev.call] = Ev.outcome

\* A thread start that failed with threads left in the supply (the factory failed).
IsAllocateFails ==
    /\ Ev.action = "AllocateFails"
    /\ running[Ev.thread] = Ev.call
    /\ AllocateFails(Ev.thread)

\* An event may report the thread's hook after the step (the runtime's own view).
HookAfter == Has(Ev, "hook") => hook'[Ev.thread] = Ev.hook

IsCompleteInline ==
    /\ Ev.action = "CompleteInline"
    /\ running[Ev.thread] = Ev.call
    /\ Has(Ev, "spare") => spareFor[Ev.spare] = Ev.thread
    /\ CompleteInline(Ev.thread)
    /\ HookAfter

IsWouldBlock ==
    /\ Ev.action = "WouldBlock"
    /\ running[Ev.thread] = Ev.call
    /\ Has(Ev, "spare") => spareFor[Ev.spare] = Ev.thread
    /\ WouldBlock(Ev.thread)
    /\ Has(Ev, "outcome") => outcome'[Ev.call] = Ev.outcome
    /\ HookAfter

IsHookFire ==
    /\ Ev.action = "HookFire"
    /\ running[Ev.thread] = Ev.call
    /\ HookFire(Ev.thread, Ev.spare)
    /\ HookAfter

\* Runtime threads stay on their lane: the CPU does not change.
IsReturnToUser ==
    /\ Ev.action = "ReturnToUser"
    /\ ReturnToUser(Ev.thread)
    /\ cpu'[Ev.thread] = cpu[Ev.thread]

IsWorkerWake ==
    /\ Ev.action = "WorkerWake"
    /\ WorkerWake(Ev.thread)
    /\ cpu'[Ev.thread] = cpu[Ev.thread]

IsWorkerBlock    == Ev.action = "WorkerBlock" /\ WorkerBlock(Ev.thread)
IsWorkerFinish   == Ev.action = "WorkerFinish" /\ running[Ev.thread] = Ev.call /\ WorkerFinish(Ev.thread)
IsMachineComplete == Ev.action = "MachineComplete" /\ MachineComplete(Ev.call)
IsAwait          == Ev.action = "Await" /\ Await(Ev.thread)
IsAwaitInterrupted == Ev.action = "AwaitInterrupted" /\ AwaitInterrupted(Ev.thread)
IsReap           == Ev.action = "Reap" /\ Reap(Ev.thread, Ev.call)
IsClose          == Ev.action = "Close" /\ Close(Ev.identity)
IsCloseRuntime   == Ev.action = "CloseRuntime" /\ CloseRuntime
IsPoolExit       == Ev.action = "PoolExit" /\ PoolExit(Ev.thread)
IsIdentityEnd    == Ev.action = "IdentityEnd" /\ carries[Ev.thread] = Ev.identity /\ IdentityEnd(Ev.thread)
IsKeepAliveExit  == Ev.action = "KeepAliveExit" /\ KeepAliveExit(Ev.thread)
IsSpareRelease   == Ev.action = "SpareRelease" /\ held[carries[Ev.thread]] = Ev.spare /\ SpareRelease(Ev.thread)

TraceNext ==
    /\ i <= Len(Events)
    /\ \/ IsSubmit \/ IsAllocate \/ IsCompleteInline \/ IsWouldBlock \/ IsHookFire
       \/ IsReturnToUser \/ IsWorkerWake \/ IsWorkerBlock \/ IsWorkerFinish
       \/ IsMachineComplete \/ IsAwait \/ IsAwaitInterrupted \/ IsReap
       \/ IsAllocateFails \/ IsClose \/ IsCloseRuntime \/ IsPoolExit \/ IsIdentityEnd
       \/ IsKeepAliveExit \/ IsSpareRelease
    /\ i' = i + 1
    /\ UNCHANGED t

TraceSpec == TraceInit /\ [][TraceNext]_<<vars, t, i>>

\* The spec actions enabled in the current state (for a rejected trace's report).
EnabledActions ==
    (IF ENABLED \E k \in KThread, x \in Call, fl \in SUBSET Flag : Submit(k, x, fl) THEN {"Submit"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : Allocate(k) THEN {"Allocate"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : CompleteInline(k) THEN {"CompleteInline"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : WouldBlock(k) THEN {"WouldBlock"} ELSE {})
    \cup (IF ENABLED \E k, s \in KThread : HookFire(k, s) THEN {"HookFire"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : ReturnToUser(k) THEN {"ReturnToUser"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : WorkerWake(k) THEN {"WorkerWake"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : WorkerBlock(k) THEN {"WorkerBlock"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : WorkerFinish(k) THEN {"WorkerFinish"} ELSE {})
    \cup (IF ENABLED \E x \in Call : MachineComplete(x) THEN {"MachineComplete"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : Await(k) THEN {"Await"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : AwaitInterrupted(k) THEN {"AwaitInterrupted"} ELSE {})
    \cup (IF ENABLED \E k \in KThread, x \in Call : Reap(k, x) THEN {"Reap"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : AllocateFails(k) THEN {"AllocateFails"} ELSE {})
    \cup (IF ENABLED \E u \in Identity : Close(u) THEN {"Close"} ELSE {})
    \cup (IF ENABLED CloseRuntime THEN {"CloseRuntime"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : PoolExit(k) THEN {"PoolExit"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : IdentityEnd(k) THEN {"IdentityEnd"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : KeepAliveExit(k) THEN {"KeepAliveExit"} ELSE {})
    \cup (IF ENABLED \E k \in KThread : SpareRelease(k) THEN {"SpareRelease"} ELSE {})

\* The first pass, cheap: always true; prints when a trace has been matched to its end.
TraceAccepted == i = Len(Events) + 1 => PrintT(<<"TRACE_OK", t>>)

\* The second pass, over the traces the first did not accept: always true; also prints,
\* for every state where no step matches the next event, that event, the state and the
\* spec actions enabled there.
TraceReport ==
    /\ i = Len(Events) + 1 => PrintT(<<"TRACE_OK", t>>)
    /\ (i <= Len(Events) /\ ~ENABLED TraceNext) =>
           PrintT(<<"TRACE_STUCK", t, i, Ev,
                    [state |-> state, cpu |-> cpu, carries |-> carries, running |-> running,
                     hook |-> hook, spareFor |-> spareFor, blocked |-> blocked, held |-> held, owner |-> owner,
                     outcome |-> outcome, machines |-> machines, queue |-> queue,
                     closed |-> closed, ended |-> ended, shutdown |-> shutdown],
                    EnabledActions>>)

=============================================================================
