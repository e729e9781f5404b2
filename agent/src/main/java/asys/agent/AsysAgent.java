package asys.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSubTypeOf;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import asys.agent.bridge.BlockHook;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The asys agent: weaves a call to {@link BlockHook} into the JDK's Java-level blocking entry
 * points, so that a runtime thread in a call fires its thread-blocked hook at any of them (the
 * automatic hook). Installed with {@code -javaagent:asys-agent.jar} ({@link #premain}) or by the
 * runtime's builder, which self-attaches ({@link #install()}). Native methods are never wrapped:
 * that would need {@code -XX:+AllowRedefinitionToAddDeleteMethods}.
 *
 * <p>Order of installation: the bridge first (written to a jar of its own, appended to the
 * bootstrap class path, initialised, and read by {@code java.base}), then the weaving, so that no
 * woven method can run before the class it calls is there.
 */
public final class AsysAgent {

    private AsysAgent() {}

    private static volatile Instrumentation installed;
    private static final List<String> woven = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    /** {@code -javaagent:asys-agent.jar}. */
    public static void premain(String args, Instrumentation inst) { installOn(inst); }

    /** Loaded into a running JVM (self-attach). */
    public static void agentmain(String args, Instrumentation inst) { installOn(inst); }

    /** True once the weaving is installed in this JVM. */
    public static boolean isInstalled() { return installed != null; }

    /** The classes woven so far (a class loaded later is woven when it loads). */
    public static Set<String> woven() {
        synchronized (woven) {
            return new TreeSet<>(woven);
        }
    }

    /** Classes the agent could not weave, with the reason; empty when all went well. */
    public static List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /**
     * Installs the agent in this JVM, self-attaching when it was not loaded with
     * {@code -javaagent}; does nothing when it is installed already.
     *
     * @throws IllegalStateException naming why it cannot be installed
     */
    public static synchronized void install() {
        if (installed != null) return;
        Instrumentation inst;
        try {
            inst = ByteBuddyAgent.install();
        } catch (Throwable t) {
            throw new IllegalStateException("the asys agent cannot attach to this JVM (" + t
                    + "): start the JVM with -javaagent:asys-agent.jar, or allow self-attach (a JDK, not a JRE,"
                    + " without -XX:+DisableAttachMechanism; on JDK 21 and later -XX:+EnableDynamicAgentLoading"
                    + " silences the dynamic-agent warning)", t);
        }
        installOn(inst);
    }

    static synchronized void installOn(Instrumentation inst) {
        if (installed != null) return;
        if (!inst.isRetransformClassesSupported()) {
            throw new IllegalStateException("the asys agent needs class retransformation, which this JVM does not support");
        }
        injectBridge(inst);
        AgentBuilder.Listener listener = new AgentBuilder.Listener.Adapter() {
            @Override
            public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                         DynamicType dynamicType) {
                woven.add(type.getName());
            }

            @Override
            public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
                errors.add(typeName + ": " + t);
            }
        };
        AgentBuilder b = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // classes loaded while the agent installs are retransformed too
                .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(listener)
                .ignore(nameStartsWith("asys.").or(isSynthetic()));
        for (Target t : targets()) {
            b = b.type(t.type).transform((builder, type, loader, module, pd) -> {
                DynamicType.Builder<?> out = builder;
                for (AsmVisitorWrapper w : t.weaves) out = out.visit(w);
                return out;
            });
        }
        b.installOn(inst);
        installed = inst;
    }

    /** A type to weave and what to weave into it. */
    private record Target(ElementMatcher<? super TypeDescription> type, List<AsmVisitorWrapper> weaves) {}

    private static AsmVisitorWrapper weave(Class<?> advice, int site, ElementMatcher<? super MethodDescription> methods) {
        return Advice.withCustomMapping().bind(Site.class, site).to(advice)
                .on(not(isNative()).and(not(isAbstract())).and(methods));
    }

    /** Every entry point, by class. The coverage table in docs/agent.md lists them with the JDK
     *  versions on which each is Java-level (and so woven). */
    private static List<Target> targets() {
        return List.of(
                new Target(named("java.util.concurrent.locks.LockSupport"), List.of(
                        weave(Advices.Always.class, BlockHook.PARK, named("park")),
                        weave(Advices.ParkNanos.class, BlockHook.PARK_NANOS, named("parkNanos").and(takesArguments(long.class))),
                        weave(Advices.ParkNanosBlocker.class, BlockHook.PARK_NANOS,
                                named("parkNanos").and(takesArguments(Object.class, long.class))),
                        weave(Advices.ParkUntil.class, BlockHook.PARK_UNTIL, named("parkUntil").and(takesArguments(long.class))),
                        weave(Advices.ParkUntilBlocker.class, BlockHook.PARK_UNTIL,
                                named("parkUntil").and(takesArguments(Object.class, long.class))))),
                new Target(named("java.lang.Thread"), List.of(
                        weave(Advices.SleepMillis.class, BlockHook.SLEEP, named("sleep").and(takesArguments(long.class))),
                        weave(Advices.SleepMillisNanos.class, BlockHook.SLEEP, named("sleep").and(takesArguments(long.class, int.class))),
                        weave(Advices.SleepDuration.class, BlockHook.SLEEP, named("sleep").and(takesArguments(Duration.class))),
                        weave(Advices.Join.class, BlockHook.JOIN, named("join")))),
                new Target(named("java.lang.Object"), List.of(
                        weave(Advices.Always.class, BlockHook.WAIT, named("wait")))),
                new Target(isSubTypeOf(Process.class).and(not(isAbstract())), List.of(
                        weave(Advices.ProcessWait.class, BlockHook.PROCESS_WAIT, named("waitFor")))),
                new Target(named("java.io.FileInputStream"), List.of(
                        weave(Advices.Always.class, BlockHook.FILE_READ,
                                named("read").or(named("readAllBytes")).or(named("readNBytes")).or(named("skip"))))),
                new Target(named("java.io.FileOutputStream"), List.of(
                        weave(Advices.FileWrite.class, BlockHook.FILE_WRITE, named("write")))),
                new Target(named("java.io.RandomAccessFile"), List.of(
                        weave(Advices.Always.class, BlockHook.RAF_READ, named("read")),
                        weave(Advices.Always.class, BlockHook.RAF_WRITE, named("write")))),
                new Target(named("sun.nio.ch.FileChannelImpl"), List.of(
                        weave(Advices.Always.class, BlockHook.CHANNEL_READ, named("read").or(named("transferTo"))),
                        weave(Advices.Always.class, BlockHook.CHANNEL_WRITE,
                                named("write").or(named("transferFrom")).or(named("force"))))),
                new Target(named("java.net.Socket$SocketInputStream"), List.of(
                        weave(Advices.SocketRead.class, BlockHook.SOCKET_READ, named("read")))),
                new Target(named("java.net.Socket$SocketOutputStream"), List.of(
                        weave(Advices.Always.class, BlockHook.SOCKET_WRITE, named("write")))),
                new Target(named("sun.nio.ch.SocketChannelImpl"), List.of(
                        weave(Advices.BlockingChannel.class, BlockHook.SOCKET_CHANNEL_READ, named("read")),
                        weave(Advices.BlockingChannel.class, BlockHook.SOCKET_CHANNEL_WRITE, named("write")),
                        weave(Advices.BlockingChannel.class, BlockHook.SOCKET_CHANNEL_CONNECT,
                                named("connect").or(named("finishConnect"))))),
                new Target(named("sun.nio.ch.ServerSocketChannelImpl"), List.of(
                        weave(Advices.BlockingChannel.class, BlockHook.ACCEPT, named("accept").and(takesArguments(0))))),
                new Target(named("java.net.ServerSocket"), List.of(
                        weave(Advices.Always.class, BlockHook.ACCEPT, named("accept").and(takesArguments(0))))),
                new Target(named("java.net.Socket"), List.of(
                        weave(Advices.Always.class, BlockHook.SOCKET_CONNECT, named("connect")))),
                new Target(named("sun.nio.ch.SelectorImpl"), List.of(
                        weave(Advices.Always.class, BlockHook.SELECT, named("select")))),
                new Target(named("java.lang.ClassLoader"), List.of(
                        weave(Advices.Always.class, BlockHook.CLASS_LOAD, named("loadClass").and(takesArguments(String.class))))));
    }

    /** The bridge's classes, as resources of this jar (never loaded from it as classes). */
    private static final String[] BRIDGE = {"asys/agent/bridge/BlockHook.class"};

    /** Writes the bridge to a jar of its own, appends it to the bootstrap class path, loads and
     *  initialises it there, and lets {@code java.base} read it. */
    private static void injectBridge(Instrumentation inst) {
        Class<?> bridge;
        try {
            Class<?> there = Class.forName("asys.agent.bridge.BlockHook", false, null);
            bridge = there;          // an earlier install (another copy of this class) put it there
        } catch (ClassNotFoundException notYet) {
            try {
                Path jar = Files.createTempFile("asys-agent-bridge", ".jar");
                jar.toFile().deleteOnExit();
                try (OutputStream fo = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(fo)) {
                    for (String name : BRIDGE) {
                        try (InputStream in = AsysAgent.class.getClassLoader().getResourceAsStream(name)) {
                            if (in == null) throw new IllegalStateException("the asys agent jar lacks " + name);
                            out.putNextEntry(new JarEntry(name));
                            in.transferTo(out);
                            out.closeEntry();
                        }
                    }
                }
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
                bridge = Class.forName("asys.agent.bridge.BlockHook", true, null);
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("the asys agent cannot put its bridge on the bootstrap class path: " + e, e);
            }
        }
        if (bridge.getClassLoader() != null) {
            throw new IllegalStateException("the asys bridge was loaded by " + bridge.getClassLoader() + ", not the bootstrap loader");
        }
        inst.redefineModule(Object.class.getModule(), Set.of(bridge.getModule()), Map.of(), Map.of(), Set.of(), Map.of());
    }

}
