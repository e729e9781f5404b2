package asys.runtime;

import java.util.concurrent.CompletionStage;

/**
 * A call with an explicit completion state machine: it starts an operation and returns a stage
 * that completes when the operation does. A stage already complete on return is
 * {@link Outcome#QUICK}; a pending one is {@link Outcome#IN_PROGRESS} with no thread held
 * (spec: WouldBlock registering a machine, then MachineComplete). With
 * {@link CallFlags#NONBLOCK} a pending stage is {@link Outcome#EAGAIN}: NONBLOCK wins.
 */
@FunctionalInterface
public interface StageCall<T> {
    CompletionStage<T> start() throws Exception;
}
