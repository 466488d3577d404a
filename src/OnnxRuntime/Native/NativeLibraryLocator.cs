using System.Runtime.InteropServices;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>Finds and loads <c>libonnxruntime.so.1</c> from an explicit path.</summary>
internal static class NativeLibraryLocator
{
    /// <summary>The file name of the ONNX Runtime shared library.</summary>
    public const string LibraryFileName = "libonnxruntime.so.1";

    /// <summary>Environment variable naming a folder with another ORT build.</summary>
    public const string DirectoryVariable = "ORLEANSINFERENCE_ORT_DIR";

    /// <summary>The folders searched, in order: the override folder, then the application's folder.</summary>
    public static IReadOnlyList<string> CandidatePaths()
    {
        var paths = new List<string>(3);
        var overrideDir = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(overrideDir))
        {
            paths.Add(Path.Combine(overrideDir, LibraryFileName));
        }

        paths.Add(Path.Combine(AppContext.BaseDirectory, LibraryFileName));
        var assemblyDir = Path.GetDirectoryName(typeof(NativeLibraryLocator).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir))
        {
            var besideAssembly = Path.Combine(assemblyDir, LibraryFileName);
            if (!paths.Contains(besideAssembly))
            {
                paths.Add(besideAssembly);
            }
        }

        return paths;
    }

    /// <summary>Loads the first candidate that exists; throws <see cref="DllNotFoundException"/> naming every path tried.</summary>
    public static (nint Handle, string Path) Load()
    {
        var candidates = CandidatePaths();
        foreach (var path in candidates)
        {
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                return (NativeLibrary.Load(path), path);
            }
            catch (DllNotFoundException ex)
            {
                throw new DllNotFoundException(
                    $"ONNX Runtime was found at '{path}' but could not be loaded: {ex.Message} It needs glibc 2.28 or later and libstdc++.",
                    ex);
            }
        }

        throw new DllNotFoundException(
            $"The ONNX Runtime library {LibraryFileName} was not found. Looked in: {string.Join(", ", candidates)}. " +
            $"Reference OnnxRuntime.csproj so the build copies it beside the application, or set {DirectoryVariable} to a folder that holds it.");
    }
}
