package org.flinkmobilenet.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the demo's topics before the job starts (the job's sinks need them, and a broker should
 * not create topics on first use). With {@code recreate}, existing topics are deleted first, so a
 * run starts from empty topics and a reader can start at the earliest offset without seeing an
 * earlier run's records.
 */
final class CamerasTopics {

    private static final long TIMEOUT_MS = 60_000;

    private CamerasTopics() {}

    static void create(String bootstrap, List<String> topics, int partitions, boolean recreate, PrintStream log)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_MS));
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (recreate) {
                List<String> gone = topics.stream().filter(existing::contains).toList();
                if (!gone.isEmpty()) {
                    admin.deleteTopics(gone).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    waitUntilAbsent(admin, gone);
                    log.println("cameras: deleted topics " + gone);
                }
            }
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            List<String> pending = new ArrayList<>(topics);
            while (!pending.isEmpty()) {
                String topic = pending.get(0);
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                            .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    log.println("cameras: created topic " + topic + " (" + partitions + " partitions)");
                    pending.remove(0);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    if (!recreate) {
                        log.println("cameras: topic " + topic + " exists, kept");
                        pending.remove(0);
                    } else if (System.currentTimeMillis() > deadline) {
                        throw e;
                    } else {
                        // A deleted topic can still be finishing its deletion: try again shortly.
                        Thread.sleep(200);
                    }
                }
            }
        }
    }

    private static void waitUntilAbsent(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Set<String> names = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (topics.stream().noneMatch(names::contains)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new java.util.concurrent.TimeoutException("topics " + topics + " still listed after deletion");
    }
}
