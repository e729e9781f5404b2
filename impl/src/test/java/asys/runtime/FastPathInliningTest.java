package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A quick call's steps fit the JIT's inlining limit, so that the loop runs them as one compiled
 * method: each method on the fast path is at most {@link #FREQ_INLINE_SIZE} bytes of bytecode,
 * the most C2 inlines at a hot call site. Their rare paths (trace events, failures, messages) are
 * methods of their own for this reason: a string built inline for an error message, or a
 * {@code finally} block (which javac copies into every path out of its {@code try}), is enough to
 * push a step over ({@code CallSteps.run} with its failure path and a {@code finally} inline is
 * 394 bytes).
 */
class FastPathInliningTest {

    /** HotSpot's {@code FreqInlineSize} on x86-64 and AArch64: the largest hot method C2 inlines. */
    static final int FREQ_INLINE_SIZE = 325;

    /** The methods a quick call runs through, by class: its submission, the loop's step, the call's steps. */
    private static final Map<Class<?>, List<String>> FAST_PATH = Map.of(
            Identity.class, List.of("execute", "checkSubmitter"),
            IdentityLoop.class, List.of("queue", "loopStep", "checkOwner", "refusesCalls"),
            SubmissionQueue.class, List.of("add", "slot", "poll", "next", "carry", "call", "handler", "ran"),
            CallSteps.class, List.of("run", "body", "submit", "completeInline", "leaveCall", "keepSpare", "keep", "deliver", "runHandler",
                    "outcomeHandler", "deliverOutcome"),
            CallRecord.class, List.of("fill", "release", "reusable", "renewForNext", "decide", "finish", "delivered", "outcome", "error"),
            KThread.class, List.of("resetThreadState", "state"),
            LoopStats.class, List.of("nextCallId", "step", "countQuick"),
            Tracer.class, List.of("step"));

    @Test
    void everyMethodOnAQuickCallsPathIsSmallEnoughForTheJitToInline() throws IOException {
        List<String> tooBig = new ArrayList<>();
        for (Map.Entry<Class<?>, List<String>> e : FAST_PATH.entrySet()) {
            Map<String, Integer> sizes = codeSizes(e.getKey());
            for (String m : e.getValue()) {
                Integer size = sizes.get(m);
                assertTrue(size != null, () -> e.getKey().getSimpleName() + "." + m + " not found: is the list stale?");
                if (size > FREQ_INLINE_SIZE) tooBig.add(e.getKey().getSimpleName() + "." + m + " (" + size + " bytes)");
            }
        }
        assertTrue(tooBig.isEmpty(), () -> "over the JIT's " + FREQ_INLINE_SIZE + "-byte inlining limit: " + tooBig
                + "; move its rare paths into methods of their own");
    }

    @Test
    void theCheckSeesAMethodOverTheLimit() throws IOException {
        Map<String, Integer> sizes = codeSizes(CallSteps.class);
        // The allocator's step, off the fast path, is over it; a getter is a few bytes.
        assertTrue(sizes.get("allocate") > FREQ_INLINE_SIZE, () -> "allocate: " + sizes.get("allocate"));
        assertTrue(sizes.get("inCallBody") > 0 && sizes.get("inCallBody") < 35, () -> "inCallBody: " + sizes.get("inCallBody"));
    }

    /**
     * The bytecode length of each method of {@code c}, by name (the largest of overloads), read
     * from its class file (JVMS §4).
     */
    static Map<String, Integer> codeSizes(Class<?> c) throws IOException {
        String file = c.getName().substring(c.getPackageName().length() + 1) + ".class";
        try (InputStream raw = c.getResourceAsStream(file)) {
            if (raw == null) throw new IOException("no class file " + file);
            DataInputStream in = new DataInputStream(raw);
            if (in.readInt() != 0xCAFEBABE) throw new IOException(file + " is not a class file");
            in.readUnsignedShort();
            in.readUnsignedShort();
            int n = in.readUnsignedShort();
            String[] utf8 = new String[n];
            for (int i = 1; i < n; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++;   // a long or double takes two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IOException(file + ": constant pool tag " + tag);
                }
            }
            in.readUnsignedShort();   // access flags
            in.readUnsignedShort();   // this class
            in.readUnsignedShort();   // superclass
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) in.readUnsignedShort();
            int fields = in.readUnsignedShort();
            for (int i = 0; i < fields; i++) member(in, utf8, null);
            Map<String, Integer> sizes = new HashMap<>();
            int methods = in.readUnsignedShort();
            for (int i = 0; i < methods; i++) member(in, utf8, sizes);
            return sizes;
        }
    }

    /** Reads a field or method; for a method ({@code sizes} non-null), records its code length. */
    private static void member(DataInputStream in, String[] utf8, Map<String, Integer> sizes) throws IOException {
        in.readUnsignedShort();
        String name = utf8[in.readUnsignedShort()];
        in.readUnsignedShort();
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            String attribute = utf8[in.readUnsignedShort()];
            int length = in.readInt();
            if (sizes != null && attribute.equals("Code")) {
                in.readUnsignedShort();   // max stack
                in.readUnsignedShort();   // max locals
                int code = in.readInt();
                sizes.merge(name, code, Math::max);
                in.skipNBytes(length - 8);
            } else {
                in.skipNBytes(length);
            }
        }
    }
}
