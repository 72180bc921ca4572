package dev.streamingblocks.examples.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Writes job jars for {@link FlinkStandaloneCluster} tests. */
final class TestJobJars {

    private TestJobJars() {}

    /**
     * Copies {@code programJar} to {@code jar} and adds each library as {@code lib/<name>.jar}
     * (directories of classes are jarred first). Flink puts a job jar's {@code lib/*.jar} on the
     * job's class path, so a plain (unshaded) jar becomes deployable without merging classes.
     */
    static Path withLibraries(Path programJar, List<Path> libraries, Path jar) throws IOException {
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Set<String> written = new HashSet<>();
        try (JarFile program = new JarFile(programJar.toFile());
                OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out)) {
            Enumeration<JarEntry> entries = program.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                jarOut.putNextEntry(new JarEntry(entry.getName()));
                try (var in = program.getInputStream(entry)) {
                    in.transferTo(jarOut);
                }
                jarOut.closeEntry();
                written.add(entry.getName());
            }
            for (Path library : libraries) {
                String name = "lib/" + libraryName(library);
                if (!written.add(name)) {
                    throw new IllegalArgumentException("Two libraries would both be " + name + ": " + libraries);
                }
                jarOut.putNextEntry(new JarEntry(name));
                if (Files.isDirectory(library)) {
                    jarDirectory(library, jarOut);
                } else {
                    Files.copy(library, jarOut);
                }
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    private static String libraryName(Path library) {
        if (Files.isDirectory(library)) {
            // A reactor module's target/classes: name it after the module.
            return library.toAbsolutePath().getParent().getParent().getFileName() + ".jar";
        }
        return library.getFileName().toString();
    }

    private static void jarDirectory(Path classes, OutputStream target) throws IOException {
        // The nested jar is written into the outer entry; closing it must not close the outer stream.
        JarOutputStream nested = new JarOutputStream(new java.io.FilterOutputStream(target) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        for (Path file : files) {
            nested.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
            Files.copy(file, nested);
            nested.closeEntry();
        }
        nested.close();
    }

    /**
     * Writes {@code jar} with {@code mainClass} (and its nested classes) and a manifest naming it as
     * {@code Main-Class}.
     */
    static Path write(Path jar, Class<?> mainClass) throws IOException {
        Path classesRoot;
        try {
            classesRoot = Path.of(mainClass
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
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
                    })
                    .sorted()
                    .toList();
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
