package dev.streamingblocks.testkit.confluent.internal;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Loads classes of the given package prefixes from its own jar before asking the parent, and
 * everything else parent-first (falling back to its jar for what the parent lacks).
 *
 * <p>A class under a child-first prefix that the jar does not hold is <em>not</em> taken from the
 * parent: the parent's copy would be linked against a different (unshaded) library, and the
 * resulting {@link LinkageError} far away is harder to read than this loader's refusal.
 */
public final class ChildFirstClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final List<String> childFirstPrefixes;
    private final List<String> childFirstResourcePrefixes;

    public ChildFirstClassLoader(URL jar, ClassLoader parent, List<String> childFirstPrefixes) {
        super("confluent-peer", new URL[] {jar}, parent);
        this.childFirstPrefixes = List.copyOf(childFirstPrefixes);
        List<String> resourcePrefixes = new ArrayList<>();
        for (String prefix : childFirstPrefixes) {
            resourcePrefixes.add(prefix.replace('.', '/'));
        }
        this.childFirstResourcePrefixes = List.copyOf(resourcePrefixes);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!isChildFirst(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException e) {
                    throw new ClassNotFoundException(
                            name + " is not in " + getURLs()[0] + " and must not come from the parent"
                                    + " class loader, whose copy links against unshaded Avro",
                            e);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        if (isChildFirstResource(name)) {
            URL own = findResource(name);
            if (own != null) {
                return own;
            }
        }
        return super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (!isChildFirstResource(name)) {
            return super.getResources(name);
        }
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        ClassLoader parent = getParent();
        if (parent != null) {
            all.addAll(Collections.list(parent.getResources(name)));
        }
        return Collections.enumeration(all);
    }

    private boolean isChildFirst(String className) {
        for (String prefix : childFirstPrefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean isChildFirstResource(String resourceName) {
        for (String prefix : childFirstResourcePrefixes) {
            if (resourceName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
