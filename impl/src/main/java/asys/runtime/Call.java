package asys.runtime;

/**
 * A call: runs inline on its loop's thread. It may block only through {@link Blocking}; when
 * it does, the loop moves to a spare thread and this call finishes on the thread it started on.
 * What it returns (or throws) is its one result.
 */
@FunctionalInterface
public interface Call<T> {
    T run() throws Exception;
}
