package org.flinkmobilenet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The repository's deploy files, read the way their consumers read them. */
final class DeployFiles {

    static final Path ROOT = Path.of(System.getProperty("mobilenet.repo.root", "../..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path K8S = DEPLOY.resolve("k8s");

    /** flink-dist's Java 17 options (env.java.opts.all of its config.yaml). */
    static final List<String> JAVA_17_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private DeployFiles() {}

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of a file (a "---" separated stream), as maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : new Yaml(new LoaderOptions()).loadAll(read(file))) {
            if (o != null) {
                if (!(o instanceof Map)) {
                    throw new IllegalArgumentException(file + ": a document is not a mapping but " + o.getClass().getSimpleName());
                }
                docs.add((Map<String, Object>) o);
            }
        }
        return docs;
    }

    static Map<String, Object> yaml(Path file) {
        List<Map<String, Object>> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + " has " + docs.size() + " documents, expected one");
        }
        return docs.get(0);
    }

    /** Every *.yaml / *.yml file under deploy/, except working folders and build output. */
    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> {
                        String rel = DEPLOY.relativize(p).toString();
                        return !rel.startsWith("local/work/") && !rel.contains("target/");
                    })
                    .sorted().toList();
        }
    }

    /** A value at a dotted path of nested maps ("spec.job.jarURI"); lists take a numeric part. */
    static Object at(Object root, String path) {
        Object v = root;
        for (String part : path.split("\\.")) {
            if (v instanceof Map<?, ?> m) {
                v = m.get(part);
            } else if (v instanceof List<?> l && part.matches("\\d+")) {
                v = Integer.parseInt(part) < l.size() ? l.get(Integer.parseInt(part)) : null;
            } else {
                return null;
            }
            if (v == null) {
                return null;
            }
        }
        return v;
    }

    static String text(Object root, String path) {
        Object v = at(root, path);
        if (v == null) {
            throw new AssertionError("no " + path);
        }
        return v.toString();
    }

    /** Nested maps flattened to Flink's dotted keys ({jobmanager: {rpc: {port: 1}}} → jobmanager.rpc.port). */
    static Map<String, Object> flatten(Map<?, ?> nested) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", nested, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> flat) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child) {
                flatten(key + ".", child, flat);
            } else {
                flat.put(key, e.getValue());
            }
        }
    }

    /** A property of a pom file's {@code <properties>}. */
    static String pomProperty(Path pom, String name) {
        Element props = (Element) pom(pom).getDocumentElement().getElementsByTagName("properties").item(0);
        NodeList l = props.getElementsByTagName(name);
        if (l.getLength() == 0) {
            throw new AssertionError(pom + " has no property " + name);
        }
        return l.item(0).getTextContent().strip();
    }

    /** The text of the first element named {@code tag} directly under the project element. */
    static String pomTopLevel(Path pom, String tag) {
        NodeList children = pom(pom).getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node n = children.item(i);
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().strip();
            }
        }
        throw new AssertionError(pom + " has no <" + tag + ">");
    }

    /** The text of every element named {@code tag} anywhere in the pom. */
    static List<String> pomElements(Path pom, String tag) {
        NodeList l = pom(pom).getDocumentElement().getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) {
            out.add(l.item(i).getTextContent().strip());
        }
        return out;
    }

    private static Document pom(Path pom) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    /** The first group of the first match of {@code regex} in {@code text}, or a failure naming what is missing. */
    static String find(String text, String regex, String what) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + what + " (/" + regex + "/)");
        }
        return m.group(1);
    }
}
