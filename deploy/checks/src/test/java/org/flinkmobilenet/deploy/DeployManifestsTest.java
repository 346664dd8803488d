package org.flinkmobilenet.deploy;

import static org.flinkmobilenet.deploy.DeployFiles.at;
import static org.flinkmobilenet.deploy.DeployFiles.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.flinkmobilenet.job.InvalidOptionsException;
import org.flinkmobilenet.job.JobOptions;
import org.flinkmobilenet.job.MobileNetJob;
import org.junit.jupiter.api.Test;

/**
 * No Kubernetes cluster runs here, so this reads every deploy file the way its consumer would and
 * checks what must agree with the code: the main class, the jar and model paths between the
 * FlinkDeployment and the Dockerfile, the job's arguments through the job's own option parser, the
 * Flink configuration keys against Flink's, the metric reporter factory, the topic names, and the
 * metric names the dashboard queries.
 */
class DeployManifestsTest {

    static final Path FLINK_DEPLOYMENT = DeployFiles.K8S.resolve("flinkdeployment.yaml");
    static final Path DOCKERFILE = DeployFiles.K8S.resolve("Dockerfile");
    static final Path TOPICS = DeployFiles.K8S.resolve("kafka-topics.yaml");
    static final Path DEMO = DeployFiles.DEPLOY.resolve("local/demo.sh");
    static final Path ROOT_POM = DeployFiles.ROOT.resolve("pom.xml");

    @Test
    void everyYamlFileParses() throws Exception {
        List<Path> files = DeployFiles.yamlFiles();
        Set<String> names = files.stream().map(p -> DeployFiles.DEPLOY.relativize(p).toString()).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("k8s/flinkdeployment.yaml", "k8s/kafka-topics.yaml", "k8s/podmonitor.yaml",
                "k8s/flink-data-pvc.yaml", "prometheus/prometheus.yml")), names.toString());
        for (Path f : files) {
            List<Map<String, Object>> docs = DeployFiles.yamlDocuments(f);
            assertFalse(docs.isEmpty(), f + " has no document");
            if (f.startsWith(DeployFiles.K8S)) {
                for (Map<String, Object> d : docs) {
                    assertTrue(d.get("apiVersion") instanceof String && d.get("kind") instanceof String
                            && at(d, "metadata.name") instanceof String, f + ": a Kubernetes object needs apiVersion, kind, metadata.name");
                }
            }
        }
    }

    @Test
    void flinkDeploymentRunsTheJobJarWithItsMainClass() throws Exception {
        Map<String, Object> d = DeployFiles.yaml(FLINK_DEPLOYMENT);
        assertEquals("flink.apache.org/v1beta1", d.get("apiVersion"));
        assertEquals("FlinkDeployment", d.get("kind"));
        String flinkVersion = DeployFiles.pomProperty(ROOT_POM, "flink.version");
        String[] v = flinkVersion.split("\\.");
        assertEquals("v" + v[0] + "_" + v[1], text(d, "spec.flinkVersion"), "flinkVersion must be the build's Flink " + flinkVersion);

        String entry = text(d, "spec.job.entryClass");
        assertEquals(MobileNetJob.class.getName(), entry);
        Method main = MobileNetJob.class.getMethod("main", String[].class);
        assertTrue(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers()));
        assertTrue(DeployFiles.pomElements(DeployFiles.ROOT.resolve("job/pom.xml"), "mainClass").contains(entry),
                "the shaded jar's manifest names the same main class");

        String jarUri = text(d, "spec.job.jarURI");
        assertTrue(jarUri.startsWith("local://"), "the jar is in the image: " + jarUri);
        String jarInImage = jarUri.substring("local://".length());
        String docker = DeployFiles.read(DOCKERFILE);
        String jobJarArg = DeployFiles.find(docker, "^ARG JOB_JAR=(\\S+)$", "ARG JOB_JAR in the Dockerfile");
        Path jobPom = DeployFiles.ROOT.resolve("job/pom.xml");
        String expectedJar = "job/target/" + DeployFiles.pomTopLevel(jobPom, "artifactId") + "-"
                + DeployFiles.pomTopLevel(ROOT_POM, "version") + ".jar";
        assertEquals(expectedJar, jobJarArg, "the Dockerfile copies the jar Maven builds");
        assertEquals(jarInImage, copyDestinations(docker).get("${JOB_JAR}"), "the jar is copied where jarURI points");
    }

    @Test
    void dockerImageIsTheBuildsFlinkOnJava17WithThePrometheusReporter() {
        String docker = DeployFiles.read(DOCKERFILE);
        String flinkVersion = DeployFiles.pomProperty(ROOT_POM, "flink.version");
        assertEquals("flink:" + flinkVersion + "-java17", DeployFiles.find(docker, "^FROM (\\S+)$", "FROM line"));
        assertTrue(docker.contains("/flink-metrics-prometheus/" + flinkVersion + "/flink-metrics-prometheus-" + flinkVersion + ".jar"),
                "the image gets the reporter of the same Flink version");
    }

    @Test
    void jobArgumentsAreAcceptedByTheJobsOptionParser() throws Exception {
        Map<String, Object> d = DeployFiles.yaml(FLINK_DEPLOYMENT);
        List<String> args = args(d);
        // The model exists in the image, not here: the files are checked against the Dockerfile below.
        List<String> withoutModelCheck = new ArrayList<>(args);
        withoutModelCheck.addAll(List.of("--model-check", "false"));
        JobOptions options = JobOptions.parse(withoutModelCheck.toArray(String[]::new), Path.of("/opt/flink"));
        assertEquals("flink-mobilenet", options.kafka().groupId());

        // The same parser refuses a misspelt option, so acceptance above means something.
        List<String> typo = new ArrayList<>(withoutModelCheck);
        typo.addAll(List.of("--batch-szie", "4"));
        assertThrows(InvalidOptionsException.class, () -> JobOptions.parse(typo.toArray(String[]::new), Path.of("/opt/flink")));

        Map<String, String> copies = copyDestinations(DeployFiles.read(DOCKERFILE));
        for (String model : options.classifier().modelSpec().split(",")) {
            Path inImage = Path.of(model);
            String dir = inImage.getParent() + "/";
            String source = copies.entrySet().stream()
                    .filter(e -> e.getValue().equals(dir) && Path.of(e.getKey()).getFileName().equals(inImage.getFileName()))
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new AssertionError(model + " is not copied into the image by the Dockerfile: " + copies));
            assertTrue(Files.isRegularFile(DeployFiles.ROOT.resolve(source)), source + " exists in the repository");
        }
    }

    @Test
    void flinkConfigurationUsesKeysFlinkKnowsAndThePrometheusReporter() throws Exception {
        assertTrue(FlinkConfigKeys.size() > 500, "Flink's options were found: " + FlinkConfigKeys.size());
        assertFalse(FlinkConfigKeys.isKnown("execution.checkpointing.dirr"), "a misspelt key is not known");
        assertTrue(FlinkConfigKeys.isKnown("state.checkpoints.dir"), "deprecated keys are known");

        Map<String, Object> d = DeployFiles.yaml(FLINK_DEPLOYMENT);
        @SuppressWarnings("unchecked")
        Map<String, Object> conf = (Map<String, Object>) at(d, "spec.flinkConfiguration");
        List<String> unknown = conf.keySet().stream().filter(k -> !FlinkConfigKeys.isKnown(k)).toList();
        assertEquals(List.of(), unknown, "keys Flink would silently ignore");

        String factory = conf.get("metrics.reporter.prom.factory.class").toString();
        assertTrue(MetricReporterFactory.class.isAssignableFrom(Class.forName(factory)), factory);
        String port = conf.get("metrics.reporter.prom.port").toString();
        Map<String, Object> container = mainContainer(d);
        Object metricsPort = ((List<?>) container.get("ports")).stream().map(p -> (Map<?, ?>) p)
                .filter(p -> "metrics".equals(p.get("name"))).map(p -> p.get("containerPort")).findFirst().orElse(null);
        assertEquals(port, String.valueOf(metricsPort), "the container exposes the reporter's port as 'metrics'");

        List<String> jvm = List.of(conf.get("env.java.opts.all").toString().split("\\s+"));
        assertTrue(jvm.containsAll(DeployFiles.JAVA_17_OPTIONS), "Java 17 options: " + jvm);
        assertTrue(String.join(" ", jvm).contains("--add-modules jdk.incubator.vector"), "the engine's Vector API module");

        int slots = Integer.parseInt(conf.get("taskmanager.numberOfTaskSlots").toString());
        assertTrue(slots >= 1);
        assertTrue(Integer.parseInt(text(d, "spec.job.parallelism")) >= 1);

        String upgrade = text(d, "spec.job.upgradeMode");
        assertTrue(Set.of("stateless", "savepoint", "last-state").contains(upgrade), upgrade);
        if (!upgrade.equals("stateless")) {
            assertTrue(conf.containsKey("execution.checkpointing.dir") && conf.containsKey("execution.checkpointing.savepoint-dir"),
                    upgrade + " upgrades need checkpoint and savepoint directories");
        }
        // file:// state must be on the volume every pod mounts.
        Set<String> mounts = new HashSet<>();
        for (Object m : (List<?>) container.get("volumeMounts")) {
            mounts.add(((Map<?, ?>) m).get("mountPath").toString());
        }
        for (Map.Entry<String, Object> e : conf.entrySet()) {
            String value = e.getValue().toString();
            if (value.startsWith("file://")) {
                String path = value.substring("file://".length());
                assertTrue(mounts.stream().anyMatch(path::startsWith), e.getKey() + "=" + value + " is not on a mounted volume " + mounts);
            }
        }
    }

    @Test
    void kafkaTopicsAreTheJobsTopics() throws Exception {
        Map<String, Object> d = DeployFiles.yaml(FLINK_DEPLOYMENT);
        List<String> args = new ArrayList<>(args(d));
        args.addAll(List.of("--model-check", "false"));
        JobOptions options = JobOptions.parse(args.toArray(String[]::new), Path.of("/opt/flink"));
        JobOptions defaults = JobOptions.parse(new String[] {"--bootstrap-servers", "x:1", "--model-check", "false"}, Path.of("/"));

        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        for (Map<String, Object> t : DeployFiles.yamlDocuments(TOPICS)) {
            assertEquals("kafka.strimzi.io/v1beta2", t.get("apiVersion"));
            assertEquals("KafkaTopic", t.get("kind"));
            topics.put(text(t, "metadata.name"), t);
        }
        List<String> jobTopics = List.of(options.kafka().inputTopic(), options.kafka().outputTopic(), options.kafka().deadLetterTopic());
        assertEquals(Set.copyOf(jobTopics), topics.keySet());
        assertEquals(List.of(defaults.kafka().inputTopic(), defaults.kafka().outputTopic(), defaults.kafka().deadLetterTopic()),
                jobTopics, "the manifests use the job's default topic names, as the demo does");

        String bootstrapHost = options.kafka().bootstrapServers().split(":")[0];
        int parallelism = Integer.parseInt(text(d, "spec.job.parallelism"));
        for (Map<String, Object> t : topics.values()) {
            String cluster = String.valueOf(((Map<?, ?>) at(t, "metadata.labels")).get("strimzi.io/cluster"));
            assertTrue(bootstrapHost.startsWith(cluster + "-kafka-bootstrap"),
                    "the job's brokers " + bootstrapHost + " are the bootstrap service of Strimzi cluster " + cluster);
            assertTrue(Integer.parseInt(text(t, "spec.partitions")) >= parallelism,
                    text(t, "metadata.name") + ": fewer partitions than the job's parallelism leave source subtasks idle");
        }
        long framesMax = Long.parseLong(configValue(topics.get("frames"), "max.message.bytes"));
        long dlqMax = Long.parseLong(configValue(topics.get("frames-dlq"), "max.message.bytes"));
        assertTrue(dlqMax >= framesMax, "a dead letter is a whole frame: the DLQ must take frames as large as the frames topic");
        String requestSize = options.kafka().clientPropertiesCopy().getProperty("max.request.size");
        assertTrue(requestSize != null && Long.parseLong(requestSize) >= framesMax,
                "the job's producers must send dead letters as large as a frame: --kafka.max.request.size");
    }

    @Test
    void podMonitorScrapesTheDeploymentsPods() {
        Map<String, Object> d = DeployFiles.yaml(FLINK_DEPLOYMENT);
        Map<String, Object> pm = DeployFiles.yaml(DeployFiles.K8S.resolve("podmonitor.yaml"));
        assertEquals("PodMonitor", pm.get("kind"));
        // The operator labels the JobManager and TaskManager pods app=<FlinkDeployment name>.
        assertEquals(text(d, "metadata.name"), text(pm, "spec.selector.matchLabels.app"));
        assertEquals("metrics", text(pm, "spec.podMetricsEndpoints.0.port"));
        assertEquals("/metrics", text(pm, "spec.podMetricsEndpoints.0.path"));
        Map<String, Object> pvc = DeployFiles.yaml(DeployFiles.K8S.resolve("flink-data-pvc.yaml"));
        assertEquals(text(pvc, "metadata.name"), text(d, "spec.podTemplate.spec.volumes.0.persistentVolumeClaim.claimName"));
        assertTrue(((List<?>) at(pvc, "spec.accessModes")).contains("ReadWriteMany"), "JobManager and TaskManagers share it");
    }

    @Test
    void prometheusScrapesTheDemosEndpoints() {
        Map<String, Object> p = DeployFiles.yaml(DeployFiles.DEPLOY.resolve("prometheus/prometheus.yml"));
        List<String> targets = new ArrayList<>();
        for (Object sc : (List<?>) at(p, "scrape_configs")) {
            for (Object st : (List<?>) ((Map<?, ?>) sc).get("static_configs")) {
                for (Object t : (List<?>) ((Map<?, ?>) st).get("targets")) {
                    targets.add(t.toString());
                }
            }
        }
        String demo = DeployFiles.read(DEMO);
        int base = Integer.parseInt(DeployFiles.find(demo, "^PROMETHEUS_PORT=\"\\$\\{PROMETHEUS_PORT:-(\\d+)\\}\"", "demo's Prometheus port"));
        int taskManagers = Integer.parseInt(DeployFiles.find(demo, "^TM_COUNT=(\\d+)$", "demo's TaskManager count"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= taskManagers; i++) {
            expected.add("localhost:" + (base + i));
        }
        assertEquals(expected, targets, "the JobManager's port, then one per TaskManager");
    }

    @Test
    void grafanaDashboardQueriesThePipelinesMetrics() {
        Map<String, Object> dash = DeployFiles.yaml(DeployFiles.DEPLOY.resolve("grafana/flink-mobilenet-dashboard.json"));
        List<String> exprs = dashboardExpressions(dash);
        assertFalse(exprs.isEmpty());
        Set<String> used = new HashSet<>();
        for (String e : exprs) {
            used.addAll(MetricNames.mentionedIn(e));
        }
        for (String name : used) {
            if (name.startsWith(MetricNames.PREFIX)) {
                assertTrue(MetricNames.ALL.contains(name), name + " is not one of MobileNetMetrics' metrics " + MetricNames.ALL);
            }
        }
        assertTrue(exprs.stream().anyMatch(e -> e.contains("rate(" + MetricNames.FRAMES_IN)), "throughput: frames in");
        assertTrue(exprs.stream().anyMatch(e -> e.contains("rate(" + MetricNames.LABELS_OUT)), "throughput: labels out");
        assertTrue(exprs.stream().anyMatch(e -> e.contains(MetricNames.END_TO_END) && e.contains("quantile=")), "latency quantiles");
        assertTrue(exprs.stream().anyMatch(e -> e.contains("by (reason)") && e.contains("rate(" + MetricNames.DEAD_LETTERS)),
                "dead-letter rate per reason");
    }

    @Test
    void demoUsesTheBuildsVersionsAndTheJavaOptions() {
        assertEquals(DeployFiles.pomProperty(ROOT_POM, "kafka.version"),
                DeployFiles.pomProperty(DeployFiles.DEPLOY.resolve("local/kafka/pom.xml"), "kafka.version"),
                "the broker must match the job's kafka-clients");
        assertEquals(DeployFiles.pomProperty(ROOT_POM, "flink.version"),
                DeployFiles.pomProperty(DeployFiles.DEPLOY.resolve("local/flink/pom.xml"), "flink.version"));
        assertTrue(DeployFiles.pomElements(DeployFiles.DEPLOY.resolve("local/flink/pom.xml"), "artifactId")
                .contains("flink-metrics-prometheus"), "the reporter is on the cluster's class path");
        String demo = DeployFiles.read(DEMO);
        for (String o : DeployFiles.JAVA_17_OPTIONS) {
            assertTrue(demo.contains(o), "demo.sh passes " + o);
        }
        assertTrue(demo.contains("VECTOR_OPTS=(--add-modules jdk.incubator.vector)"));
        assertTrue(demo.contains("org.apache.flink.client.cli.CliFrontend run"), "submits with flink run's front end");
    }

    // --- helpers ---------------------------------------------------------------------------------

    static List<String> args(Map<String, Object> flinkDeployment) {
        List<String> args = new ArrayList<>();
        for (Object a : (List<?>) at(flinkDeployment, "spec.job.args")) {
            args.add(a.toString());
        }
        return args;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mainContainer(Map<String, Object> d) {
        for (Object c : (List<?>) at(d, "spec.podTemplate.spec.containers")) {
            if ("flink-main-container".equals(((Map<?, ?>) c).get("name"))) {
                return (Map<String, Object>) c;
            }
        }
        throw new AssertionError("the pod template has no flink-main-container");
    }

    private static String configValue(Map<String, Object> topic, String key) {
        Object config = at(topic, "spec.config");
        Object v = config instanceof Map<?, ?> m ? m.get(key) : null;
        if (v == null) {
            throw new AssertionError(at(topic, "metadata.name") + " has no config " + key);
        }
        return v.toString();
    }

    /** COPY/ADD source → destination in the image (a destination ending in / takes the file's name). */
    static Map<String, String> copyDestinations(String dockerfile) {
        Map<String, String> out = new LinkedHashMap<>();
        String joined = dockerfile.replaceAll("\\\\\\s*\\n", " ");
        Matcher m = Pattern.compile("^(?:COPY|ADD)\\s+(.*)$", Pattern.MULTILINE).matcher(joined);
        while (m.find()) {
            List<String> words = new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
            words.removeIf(w -> w.startsWith("--"));
            String dest = words.remove(words.size() - 1);
            for (String src : words) {
                out.put(src, dest);
            }
        }
        return out;
    }

    static List<String> dashboardExpressions(Map<String, Object> dash) {
        List<String> exprs = new ArrayList<>();
        for (Object p : (List<?>) dash.get("panels")) {
            Object targets = ((Map<?, ?>) p).get("targets");
            if (targets instanceof List<?> l) {
                for (Object t : l) {
                    Object e = ((Map<?, ?>) t).get("expr");
                    if (e != null) {
                        exprs.add(e.toString());
                    }
                }
            }
        }
        return exprs;
    }
}
