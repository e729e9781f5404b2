package asys.runtime;

import java.util.concurrent.CompletionStage;

/**
 * A call with an explicit completion state machine: it starts an operation and returns a stage
 * that completes when the operation does. A stage already complete on return is
 * {@link Outcome#QUICK}; a pending one is {@link Outcome#IN_PROGRESS} with no thread held
 * (spec: WouldBlock registering a machine, then MachineComplete). With
 * {@link CallFlags#NONBLOCK} a pending stage is {@link Outcome#EAGAIN}: NONBLOCK wins.
 *
 * @param <T> the result's type
 */
@FunctionalInterface
public interface StageCall<T> {
    /**
     * Starts the operation.
     *
     * @return a stage that completes with the call's result
     * @throws Exception when the operation cannot start: the call's error
     */
    CompletionStage<T> start() throws Exception;
}
