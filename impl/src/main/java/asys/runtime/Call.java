package asys.runtime;

/**
 * A call: runs inline on its loop's thread. It may block only through {@link Blocking}; when
 * it does, the loop moves to a spare thread and this call finishes on the thread it started on.
 * What it returns (or throws) is its one result.
 *
 * @param <T> the result's type
 */
@FunctionalInterface
public interface Call<T> {
    /**
     * The call's code.
     *
     * @return the call's value
     * @throws Exception the call's error
     */
    T run() throws Exception;
}
