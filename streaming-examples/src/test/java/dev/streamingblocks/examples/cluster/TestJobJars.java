package dev.streamingblocks.examples.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Writes a job jar from compiled test classes, for jobs that need nothing beyond Flink itself. */
final class TestJobJars {

    private TestJobJars() {}

    /**
     * Writes {@code jar} with {@code mainClass} (and its nested classes) and a manifest naming it as
     * {@code Main-Class}.
     */
    static Path write(Path jar, Class<?> mainClass) throws IOException {
        Path classesRoot;
        try {
            classesRoot = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("Cannot locate the classes of " + mainClass.getName(), e);
        }
        String packagePath = mainClass.getPackageName().replace('.', '/');
        Path packageDir = classesRoot.resolve(packagePath);
        String simpleName = mainClass.getSimpleName();
        List<Path> classFiles;
        try (Stream<Path> files = Files.list(packageDir)) {
            classFiles = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.equals(simpleName + ".class") || name.startsWith(simpleName + "$");
            }).sorted().toList();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Path classFile : classFiles) {
                jarOut.putNextEntry(new JarEntry(packagePath + "/" + classFile.getFileName()));
                Files.copy(classFile, jarOut);
                jarOut.closeEntry();
            }
        }
        return jar;
    }
}
