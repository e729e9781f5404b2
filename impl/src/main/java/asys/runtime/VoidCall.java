package asys.runtime;

/**
 * A call with no value, for {@link Identity#submit(VoidCall)}; otherwise a {@link Call}.
 */
@FunctionalInterface
public interface VoidCall {
    /**
     * The call's code.
     *
     * @throws Exception the call's error
     */
    void run() throws Exception;
}
