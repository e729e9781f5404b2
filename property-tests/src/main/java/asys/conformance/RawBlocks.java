package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The automatic hook's coverage: one case per JDK blocking entry point. Each case is run twice as
 * a call on a runtime with the automatic hook (file I/O included): once where it really blocks
 * (a helper thread ends the wait after {@link #WAIT_MS}), and once where a cheap check shows it
 * will not (a zero timeout, bytes already there, a non-blocking channel, ...). A call whose hook
 * fired comes back IN_PROGRESS; one that ran through comes back QUICK. Which sites fired is read
 * from the runtime's counters. {@link #main} prints the table for the JDK it runs on.
 */
public final class RawBlocks {

    static final long WAIT_MS = 30;

    /** A case: the entry point, and two preparations made on the test thread, each of which
     *  returns the body that the call runs: one that blocks, one that would not (null when the
     *  entry point always blocks or has no cheap check). Only the body runs in the call, so that
     *  what the preparation does (start a process, open a socket) fires nothing. */
    record Case(String entry, Callable<Callable<Object>> blocks, Callable<Callable<Object>> doesNotBlock) {}

    /** One row of the table: did the hook fire where it blocked, at which site, and where it did not block. */
    public record Row(String entry, boolean fires, String site, Boolean firesWhenNotBlocking, String error) {
        public String tsv() {
            return "coverage\t" + entry + "\t" + fires + "\t" + site + "\t" + firesWhenNotBlocking + "\t" + error;
        }

        static Row parse(String line) {
            String[] f = line.split("\t", -1);
            return new Row(f[1], Boolean.parseBoolean(f[2]), f[3], f[4].equals("null") ? null : Boolean.parseBoolean(f[4]),
                    f[5].equals("null") ? null : f[5]);
        }
    }

    private final ScheduledExecutorService helper = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "raw-blocks-helper");
        t.setDaemon(true);
        return t;
    });
    private final Path dir;

    private RawBlocks(Path dir) { this.dir = dir; }

    private void later(Runnable r) { helper.schedule(r, WAIT_MS, TimeUnit.MILLISECONDS); }

    private void laterChecked(Callable<?> r) {
        later(() -> {
            try {
                r.call();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** Runs every case on a fresh runtime; {@code dir} holds the FIFOs and files the cases use. */
    public static List<Row> run(Path dir) throws Exception {
        Files.createDirectories(dir);
        RawBlocks rb = new RawBlocks(dir);
        try {
            return rb.runAll();
        } finally {
            rb.helper.shutdownNow();
        }
    }

    private List<Row> runAll() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (AsysRuntime rt = AsysRuntime.builder().automaticHook(true).automaticHookOnFileIo(true)
                .automaticHookOnSocketWrites(true).spareCapacity(2).build()) {
            Identity u = rt.newIdentity("coverage");
            for (Case c : cases()) {
                Map<String, Long> before = rt.automaticHookFires();
                String error = null;
                CallHandle<Object> h = call(u, c.blocks().call());
                if (h.error() != null) error = h.error().toString();
                String site = newSites(before, rt.automaticHookFires());
                Boolean quiet = null;
                if (c.doesNotBlock() != null) {
                    Callable<Object> quietBody = c.doesNotBlock().call();
                    before = rt.automaticHookFires();
                    CallHandle<Object> q = call(u, quietBody);
                    if (q.error() != null && error == null) error = "not blocking: " + q.error();
                    quiet = q.outcome() == Outcome.IN_PROGRESS;
                }
                rows.add(new Row(c.entry(), h.outcome() == Outcome.IN_PROGRESS, site, quiet,
                        error == null ? null : error.replace('\t', ' ').replace('\n', ' ')));
            }
        }
        return rows;
    }

    private static CallHandle<Object> call(Identity u, Callable<Object> body) throws Exception {
        CompletableFuture<CallHandle<Object>> done = new CompletableFuture<>();
        u.execute(() -> u.submit(body::call, done::complete));
        return done.get(10, TimeUnit.SECONDS);
    }

    private static String newSites(Map<String, Long> before, Map<String, Long> after) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            if (e.getValue() > before.getOrDefault(e.getKey(), 0L)) out.add(e.getKey());
        }
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    private Path fifo(String name) throws IOException, InterruptedException {
        Path p = dir.resolve(name + "-" + System.nanoTime());
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (mk.waitFor() != 0) throw new IOException("mkfifo " + p + " failed");
        return p;
    }

    /** A FIFO whose writer opens it at once and writes one byte after the wait. */
    private Path fifoWrittenLater(String name) throws IOException, InterruptedException {
        Path p = fifo(name);
        helper.execute(() -> {
            try (OutputStream out = new FileOutputStream(p.toFile())) {   // opens once the reader does
                Thread.sleep(WAIT_MS);
                out.write(1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        return p;
    }

    private Path regularFile() throws IOException {
        Path p = dir.resolve("regular.bin");
        if (!Files.exists(p)) Files.write(p, new byte[4096]);
        return p;
    }

    /** A connected pair on loopback: [0] the caller's end, [1] the peer's. */
    private static Socket[] pair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket peer = server.accept();
            return new Socket[] {client, peer};
        }
    }

    private static SocketChannel[] channelPair() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            SocketChannel peer = server.accept();
            return new SocketChannel[] {client, peer};
        }
    }

    /** A body with nothing to prepare. */
    private static Callable<Callable<Object>> now(Callable<Object> body) { return () -> body; }

    private List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("LockSupport.park", () -> {
            CountDownLatch parked = new CountDownLatch(1);
            return () -> {
                Thread me = Thread.currentThread();
                later(() -> LockSupport.unpark(me));
                LockSupport.park();
                return null;
            };
        }, null));   // a permit already there: no cheap check (see docs/agent.md)
        cs.add(new Case("LockSupport.parkNanos", now(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WAIT_MS));
            return null;
        }), now(() -> {
            LockSupport.parkNanos(0);
            return null;
        })));
        cs.add(new Case("LockSupport.parkUntil", now(() -> {
            LockSupport.parkUntil(System.currentTimeMillis() + WAIT_MS);
            return null;
        }), now(() -> {
            LockSupport.parkUntil(System.currentTimeMillis() - 1);
            return null;
        })));
        cs.add(new Case("ReentrantLock.lock (contended)", () -> {
            ReentrantLock lock = new ReentrantLock();
            CountDownLatch held = new CountDownLatch(1);
            helper.execute(() -> {
                lock.lock();
                held.countDown();
                try {
                    Thread.sleep(WAIT_MS);
                } catch (InterruptedException ignored) {
                    // the run is ending
                } finally {
                    lock.unlock();
                }
            });
            held.await();
            return () -> {
                lock.lock();
                lock.unlock();
                return null;
            };
        }, () -> {
            ReentrantLock lock = new ReentrantLock();
            return () -> {
                lock.lock();
                lock.unlock();
                return null;
            };
        }));
        cs.add(new Case("CompletableFuture.get", () -> {
            CompletableFuture<Object> f = new CompletableFuture<>();
            return () -> {
                later(() -> f.complete(1));
                return f.get();
            };
        }, () -> {
            CompletableFuture<Object> f = CompletableFuture.completedFuture(1);
            return f::get;
        }));
        cs.add(new Case("BlockingQueue.take", () -> {
            BlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
            return () -> {
                later(() -> q.offer(1));
                return q.take();
            };
        }, () -> {
            BlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
            q.offer(1);
            return q::take;
        }));
        cs.add(new Case("CountDownLatch.await", () -> {
            CountDownLatch l = new CountDownLatch(1);
            return () -> {
                later(l::countDown);
                l.await();
                return null;
            };
        }, () -> {
            CountDownLatch l = new CountDownLatch(0);
            return () -> {
                l.await();
                return null;
            };
        }));
        cs.add(new Case("Semaphore.acquire", () -> {
            Semaphore sem = new Semaphore(0);
            return () -> {
                later(sem::release);
                sem.acquire();
                return null;
            };
        }, () -> {
            Semaphore sem = new Semaphore(1);
            return () -> {
                sem.acquire();
                return null;
            };
        }));
        cs.add(new Case("Thread.sleep(millis)", now(() -> {
            Thread.sleep(WAIT_MS);
            return null;
        }), now(() -> {
            Thread.sleep(0);
            return null;
        })));
        cs.add(new Case("Thread.sleep(millis, nanos)", now(() -> {
            Thread.sleep(WAIT_MS, 1);
            return null;
        }), now(() -> {
            Thread.sleep(0, 0);
            return null;
        })));
        cs.add(new Case("Object.wait()", () -> {
            Object m = new Object();
            boolean[] go = {false};
            return () -> {
                later(() -> {
                    synchronized (m) {
                        go[0] = true;
                        m.notifyAll();
                    }
                });
                synchronized (m) {
                    while (!go[0]) m.wait();
                }
                return null;
            };
        }, null));
        cs.add(new Case("Object.wait(millis)", () -> {
            Object m = new Object();
            return () -> {
                synchronized (m) {
                    m.wait(WAIT_MS);
                }
                return null;
            };
        }, null));
        cs.add(new Case("Thread.join", () -> {
            Thread t = new Thread(() -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WAIT_MS)));
            t.start();
            return () -> {
                t.join();
                return null;
            };
        }, () -> {
            Thread t = new Thread(() -> { });
            t.start();
            t.join();
            return () -> {
                t.join();
                return null;
            };
        }));
        cs.add(new Case("Process.waitFor", () -> {
            Process p = new ProcessBuilder("cat").start();   // ends when its input closes
            return () -> {
                laterChecked(() -> {
                    p.getOutputStream().close();
                    return null;
                });
                return p.waitFor();
            };
        }, () -> {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p::waitFor;
        }));
        cs.add(new Case("FileInputStream.read (FIFO)", () -> {
            Path p = fifoWrittenLater("fis");
            InputStream in = new FileInputStream(p.toFile());
            return () -> {
                try (in) {
                    return in.read();
                }
            };
        }, () -> {
            InputStream in = new FileInputStream(regularFile().toFile());
            return () -> {
                try (in) {
                    return in.read();
                }
            };
        }));
        cs.add(new Case("RandomAccessFile.read (FIFO)", () -> {
            Path p = fifoWrittenLater("raf");
            RandomAccessFile f = new RandomAccessFile(p.toFile(), "r");
            return () -> {
                try (f) {
                    return f.read();
                }
            };
        }, () -> {
            RandomAccessFile f = new RandomAccessFile(regularFile().toFile(), "r");
            return () -> {
                try (f) {
                    return f.read();
                }
            };
        }));
        cs.add(new Case("FileChannel.read (FIFO)", () -> {
            Path p = fifoWrittenLater("fc");
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
            return () -> {
                try (ch) {
                    return ch.read(ByteBuffer.allocate(1));
                }
            };
        }, () -> {
            FileChannel ch = FileChannel.open(regularFile(), StandardOpenOption.READ);
            return () -> {
                try (ch) {
                    return ch.read(ByteBuffer.allocate(1));
                }
            };
        }));
        cs.add(new Case("Files.readAllBytes (FIFO)", () -> {
            Path p = fifoWrittenLater("files");
            return () -> Files.readAllBytes(p).length;
        }, () -> {
            Path p = regularFile();
            return () -> Files.readAllBytes(p).length;
        }));
        cs.add(new Case("FileOutputStream.write", () -> {
            OutputStream out = new FileOutputStream(dir.resolve("written.bin").toFile());
            return () -> {
                try (out) {
                    out.write(1);
                }
                return null;
            };
        }, now(() -> {
            System.out.print("");
            System.out.flush();
            return null;
        })));
        cs.add(new Case("Socket.read", () -> {
            Socket[] s = pair();
            return () -> {
                try (Socket client = s[0]; Socket peer = s[1]) {
                    laterChecked(() -> {
                        peer.getOutputStream().write(7);
                        return null;
                    });
                    return client.getInputStream().read();
                }
            };
        }, () -> {
            Socket[] s = pair();
            s[1].getOutputStream().write(7);
            while (s[0].getInputStream().available() == 0) Thread.onSpinWait();
            return () -> {
                try (Socket client = s[0]; Socket peer = s[1]) {
                    return client.getInputStream().read();
                }
            };
        }));
        cs.add(new Case("Socket.write", () -> {
            Socket[] s = pair();
            return () -> {
                try (Socket client = s[0]; Socket peer = s[1]) {
                    client.getOutputStream().write(7);
                    return null;
                }
            };
        }, null));   // whether the send buffer has room: no cheap check
        cs.add(new Case("SocketChannel.write", () -> {
            SocketChannel[] s = channelPair();
            return () -> {
                try (SocketChannel client = s[0]; SocketChannel peer = s[1]) {
                    return client.write(ByteBuffer.wrap(new byte[] {7}));
                }
            };
        }, () -> {
            SocketChannel[] s = channelPair();
            s[0].configureBlocking(false);
            return () -> {
                try (SocketChannel client = s[0]; SocketChannel peer = s[1]) {
                    return client.write(ByteBuffer.wrap(new byte[] {7}));
                }
            };
        }));
        cs.add(new Case("Socket.connect", () -> {
            ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Socket c = new Socket();
            return () -> {
                try (server; c) {
                    c.connect(server.getLocalSocketAddress());
                    return null;
                }
            };
        }, null));
        cs.add(new Case("ServerSocket.accept", () -> {
            ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            return () -> {
                try (server) {
                    laterChecked(() -> new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                    try (Socket s = server.accept()) {
                        return null;
                    }
                }
            };
        }, null));
        cs.add(new Case("SocketChannel.read", () -> {
            SocketChannel[] s = channelPair();
            return () -> {
                try (SocketChannel client = s[0]; SocketChannel peer = s[1]) {
                    laterChecked(() -> peer.write(ByteBuffer.wrap(new byte[] {7})));
                    return client.read(ByteBuffer.allocate(1));
                }
            };
        }, () -> {
            SocketChannel[] s = channelPair();
            s[0].configureBlocking(false);
            return () -> {
                try (SocketChannel client = s[0]; SocketChannel peer = s[1]) {
                    return client.read(ByteBuffer.allocate(1));
                }
            };
        }));
        cs.add(new Case("ServerSocketChannel.accept", () -> {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return () -> {
                try (server) {
                    laterChecked(() -> SocketChannel.open(server.getLocalAddress()));
                    try (SocketChannel c = server.accept()) {
                        return null;
                    }
                }
            };
        }, () -> {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.configureBlocking(false);
            return () -> {
                try (server) {
                    return server.accept();
                }
            };
        }));
        cs.add(new Case("Selector.select", () -> {
            SocketChannel[] s = channelPair();
            Selector sel = Selector.open();
            s[0].configureBlocking(false);
            s[0].register(sel, SelectionKey.OP_READ);
            return () -> {
                try (SocketChannel client = s[0]; SocketChannel peer = s[1]; sel) {
                    laterChecked(() -> peer.write(ByteBuffer.wrap(new byte[] {7})));
                    return sel.select();
                }
            };
        }, () -> {
            Selector sel = Selector.open();
            return () -> {
                try (sel) {
                    return sel.selectNow();
                }
            };
        }));
        cs.add(new Case("ClassLoader.loadClass (a class never loaded)", () -> {
            URL here = RawBlocks.class.getProtectionDomain().getCodeSource().getLocation();
            URLClassLoader l = new URLClassLoader(new URL[] {here}, null);
            return () -> {
                try (l) {
                    return l.loadClass(RawBlocks.Row.class.getName()).getName();
                }
            };
        }, null));
        return cs;
    }

    /** Prints the coverage table for this JVM: one tab-separated {@code coverage} line per case. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/raw-blocks");
        for (Row r : run(dir)) System.out.println(r.tsv());
        System.out.println("weave-errors\t" + agentErrors());
    }

    /** What the agent could not weave in this JVM (empty when all went well). */
    static List<String> agentErrors() throws ReflectiveOperationException {
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) Class.forName("asys.agent.AsysAgent").getMethod("errors").invoke(null);
        return errors;
    }

    /** The rows by entry point. */
    public static Map<String, Row> byEntry(List<Row> rows) {
        Map<String, Row> m = new LinkedHashMap<>();
        for (Row r : rows) m.put(r.entry(), r);
        return m;
    }
}
