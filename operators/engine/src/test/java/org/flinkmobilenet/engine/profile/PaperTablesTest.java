package org.flinkmobilenet.engine.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.LayerKind;
import org.flinkmobilenet.engine.kernels.ReferenceKernelSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The MobileNet paper's tables (Howard et al. 2017, Tables 1, 2, 4, 6, 7), from the engine's own profile. */
class PaperTablesTest {

    private static ModelProfile profile(double alpha, int resolution, boolean standard) {
        Graph g = new MobileNetV1Builder().alpha(alpha).resolution(resolution).standardConvolutions(standard).build();
        return ModelProfile.measure(CompiledModel.compile(g, ReferenceKernelSet.INSTANCE), 0, 0);
    }

    @Test
    void flagshipArchitectureMatchesTable1And2() {
        ModelProfile p = profile(1.0, 224, false);
        assertEquals(568_740_352L, p.totalMacs());             // paper: 569 M
        assertEquals(4_209_088L, p.totalParams());             // paper: 4.2 M
        Map<LayerKind, ModelProfile.Share> s = p.shares();
        assertEquals(0.9486, s.get(LayerKind.POINTWISE).macs(), 5e-5);
        assertEquals(0.0306, s.get(LayerKind.DEPTHWISE).macs(), 5e-5);
        assertEquals(0.0018, s.get(LayerKind.FC).macs(), 5e-5);
        // The paper prints 1.19 % for the first full convolution; its shapes give 1.91 %.
        assertEquals(0.0191, s.get(LayerKind.CONV).macs(), 5e-5);
        assertEquals(0.7459, s.get(LayerKind.POINTWISE).params(), 5e-5);
        assertEquals(0.2433, s.get(LayerKind.FC).params(), 5e-5);
        assertEquals(27 + 3, p.rows().size()); // 27 convolution layers, then pool, fc and softmax
        assertEquals(1, p.rows().stream().filter(r -> r.kind() == LayerKind.CONV).count());
        assertEquals(13, p.rows().stream().filter(r -> r.kind() == LayerKind.DEPTHWISE).count());
        assertEquals(13, p.rows().stream().filter(r -> r.kind() == LayerKind.POINTWISE).count());
    }

    @ParameterizedTest(name = "{0}/{1}: {2} M mult-adds, {3} M params")
    @CsvSource({
        "1.0, 224, 569, 4.2",
        "0.75, 224, 325, 2.6",
        "0.5, 224, 149, 1.3",
        "0.25, 224, 41, 0.5",
        "1.0, 192, 418, 4.2",
        "1.0, 160, 291, 4.2", // the paper prints 290; the shapes give 290.7
        "1.0, 128, 186, 4.2",
    })
    void widthAndResolutionGridMatchesTables6And7(double alpha, int resolution, long paperMillionMacs,
                                                  double paperMillionParams) {
        ModelProfile p = profile(alpha, resolution, false);
        assertEquals(paperMillionMacs, Math.round(p.totalMacs() / 1e6));
        assertEquals(paperMillionParams, Math.round(p.totalParams() / 1e5) / 10.0, 1e-9);
    }

    @Test
    void standardConvolutionVariantMatchesTable4() {
        ModelProfile p = profile(1.0, 224, true);
        // paper: 4866 M mult-adds and 29.3 M parameters; the shapes give 4867.3 M and 29.28 M
        assertEquals(4867, Math.round(p.totalMacs() / 1e6));
        assertEquals(29.3, Math.round(p.totalParams() / 1e5) / 10.0, 1e-9);
        assertFalse(p.shares().containsKey(LayerKind.DEPTHWISE));
        double ratio = (double) p.totalMacs() / profile(1.0, 224, false).totalMacs();
        assertEquals(8.56, ratio, 0.01); // the "8 to 9 times" of section 3.1
    }

    @Test
    void jsonHasTheDocumentedShape() {
        ModelProfile p = profile(0.25, 128, false);
        String json = p.toJson();
        assertTrue(json.startsWith("{\"model\": "), json);
        assertTrue(json.contains("\"layers\": [{\"name\": \"Conv2d_0\", \"type\": \"conv\", \"output\": [64, 64, 8], \"macs\": "), json);
        assertTrue(json.contains("\"total\": {\"macs\": " + p.totalMacs() + ", \"params\": " + p.totalParams()), json);
        assertTrue(json.contains("\"share\": {\"conv\": {\"macs\": "), json);
        assertTrue(json.contains("\"pointwise\": {\"macs\": "), json);
    }

    @Test
    void measuredTimesAreFilledIn() {
        Graph g = new MobileNetV1Builder().alpha(0.25).resolution(64).build();
        ModelProfile p = ModelProfile.measure(CompiledModel.compile(g, ReferenceKernelSet.INSTANCE), 1, 3);
        assertTrue(p.totalMs() > 0);
        double timeShares = p.shares().values().stream().mapToDouble(ModelProfile.Share::time).sum();
        assertEquals(1.0, timeShares, 1e-9);
        assertTrue(p.toTable().contains("Conv2d_13_pointwise"));
    }
}
