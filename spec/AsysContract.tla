---------------------------- MODULE AsysContract ----------------------------
(***************************************************************************)
(* The contract of an asynchronous call, as its user sees it: threads,     *)
(* pools, hooks and identities' carriers are hidden.  Per call:            *)
(*                                                                         *)
(*   idle --RejectAtOnce--> eagain                  (limit, or ATOMIC with *)
(*   idle --Accept--> submitted                      an empty pool)        *)
(*   submitted --ReturnQuick--> quick               no completion ever     *)
(*   submitted --ReturnEagain--> eagain             no completion ever     *)
(*   submitted --GoAsync--> inprogress                                     *)
(*   inprogress --Post--> posted --Reap--> reaped   exactly one completion *)
(*                                                                         *)
(* cposts counts each call's completions as the user receives them: one    *)
(* for an in-progress call, none ever for a quick or eagain one, so a      *)
(* second completion, or one for a quick call, is no step of the contract. *)
(* An identity never has more than Limit calls accepted and not yet done   *)
(* (quick, eagain or reaped).  A completion is reaped by its owner only.   *)
(* Asys refines this module (MCAsys.tla gives the mapping).  TLC cannot    *)
(* compute ENABLED through a refinement mapping, so the contract's         *)
(* liveness is stated as leads-to properties, not as fairness.             *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS Identity, Call, Limit, NoId

VARIABLES cstate,  \* cstate[x]: where call x is in its life
          cowner,  \* cowner[x]: the identity that submitted x, NoId while idle
          cposts   \* cposts[x]: how many completions of x were posted

cvars == <<cstate, cowner, cposts>>

CallState == {"idle", "submitted", "quick", "eagain", "inprogress", "posted", "reaped"}

TypeOK == /\ cstate \in [Call -> CallState]
          /\ cowner \in [Call -> Identity \cup {NoId}]
          /\ cposts \in [Call -> Nat]

Done(x)     == cstate[x] \in {"quick", "eagain", "reaped"}
InFlight(u) == {x \in Call : cowner[x] = u /\ cstate[x] # "idle" /\ ~Done(x)}

Init == /\ cstate = [x \in Call |-> "idle"]
        /\ cowner = [x \in Call |-> NoId]
        /\ cposts = [x \in Call |-> 0]

\* u's submit of x returns EAGAIN at once: nothing was started.
RejectAtOnce(u, x) ==
    /\ cstate[x] = "idle"
    /\ cstate' = [cstate EXCEPT ![x] = "eagain"]
    /\ cowner' = [cowner EXCEPT ![x] = u]
    /\ UNCHANGED cposts

\* u's submit of x is accepted: only within u's limit.
Accept(u, x) ==
    /\ cstate[x] = "idle"
    /\ Cardinality(InFlight(u)) < Limit
    /\ cstate' = [cstate EXCEPT ![x] = "submitted"]
    /\ cowner' = [cowner EXCEPT ![x] = u]
    /\ UNCHANGED cposts

\* The submitted call x ends in one of three ways.
Decide(x, to) ==
    /\ cstate[x] = "submitted"
    /\ cstate' = [cstate EXCEPT ![x] = to]
    /\ UNCHANGED <<cowner, cposts>>
ReturnQuick(x)  == Decide(x, "quick")
ReturnEagain(x) == Decide(x, "eagain")
GoAsync(x)      == Decide(x, "inprogress")

\* x's one completion is posted to its owner.
Post(x) ==
    /\ cstate[x] = "inprogress"
    /\ cstate' = [cstate EXCEPT ![x] = "posted"]
    /\ cposts' = [cposts EXCEPT ![x] = @ + 1]
    /\ UNCHANGED cowner

\* x's owner reaps its completion.
Reap(x) ==
    /\ cstate[x] = "posted"
    /\ cstate' = [cstate EXCEPT ![x] = "reaped"]
    /\ UNCHANGED <<cowner, cposts>>

Next ==
    \/ \E u \in Identity, x \in Call : RejectAtOnce(u, x) \/ Accept(u, x)
    \/ \E x \in Call : ReturnQuick(x) \/ ReturnEagain(x) \/ GoAsync(x) \/ Post(x) \/ Reap(x)

Spec == Init /\ [][Next]_cvars

\* Exactly one completion for an in-progress call once posted; none for any other.
OneCompletion ==
    \A x \in Call : cposts[x] = IF cstate[x] \in {"posted", "reaped"} THEN 1 ELSE 0

\* Liveness promised to users, as leads-to properties.
\* A submitted call is decided: quick, eagain or in progress.
CallDecided   == \A x \in Call : cstate[x] = "submitted" ~> cstate[x] # "submitted"
\* An in-progress call's completion is posted.
CallCompletes == \A x \in Call : cstate[x] = "inprogress" ~> cstate[x] \in {"posted", "reaped"}

=============================================================================
