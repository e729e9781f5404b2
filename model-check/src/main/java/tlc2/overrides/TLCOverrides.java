package tlc2.overrides;

/**
 * The index of Java definitions that TLC 2.18 looks for under this exact name (the way the
 * CommunityModules register theirs): here, {@code AsysTraceData!Traces}, read by
 * {@link asys.modelcheck.TraceData} from the runtime's trace files. Only trace validation puts
 * model-check's classes on TLC's class path; the model-checking runs do not load it.
 */
public class TLCOverrides implements ITLCOverrides {
    @Override
    @SuppressWarnings("rawtypes")
    public Class[] get() {
        return new Class[] {asys.modelcheck.TraceData.class};
    }
}
