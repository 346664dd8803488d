package org.flinkmobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every tuned kernel must compile with C1 (HotSpot's tier-3 compiler). Seen here: when C1 gave up on
 * a micro-kernel ("out of virtual registers") while C2 was busy, the method stayed in tier-2 code for
 * good, boxing every vector: 50x slower, with no error anywhere. This starts a JVM that compiles each
 * kernel method with C1 on its first call and fails if C1 skips any of them (it caught masked loads in
 * the depthwise kernels). The failure first seen, in an on-stack compile of a 6 x 4 GEMM tile, did not
 * reproduce in a test JVM, which is one reason the tiles are 4 x 4.
 */
class C1CompilationTest {

    @Test
    void everyKernelCompilesWithC1() throws IOException, InterruptedException {
        assertNothingSkipped(List.of("-Xcomp"), "tour");
    }

    private static void assertNothingSkipped(List<String> flags, String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector"));
        command.addAll(flags);
        command.addAll(List.of("-XX:TieredStopAtLevel=3", "-XX:+PrintCompilation",
                "-XX:CompileCommand=quiet", "-XX:CompileCommand=compileonly,org.flinkmobilenet.engine.kernels.*::*",
                "-cp", System.getProperty("java.class.path"), KernelTour.class.getName(), mode));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the kernel tour did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Gemm::tile" + Gemm.ROWS + "x4") && out.contains("DirectConv::tile8x2") && out.contains("DirectConv::tile8x1") && out.contains("Depthwise3x3::rowStride1Group"),
                "the tour did not reach the kernels:\n" + out);
        List<String> skipped = out.lines().filter(l -> l.contains("COMPILE SKIPPED")).toList();
        assertEquals(List.of(), skipped, "C1 could not compile these kernels");
    }
}
