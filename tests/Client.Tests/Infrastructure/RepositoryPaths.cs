namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>Finds folders of the source tree from a test's output folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding <c>OrleansInference.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The bundled demo models.</summary>
    public static string Models => Path.Combine(Root, "models");

    /// <summary>Copies a folder tree.</summary>
    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(dir, Path.Combine(destination, Path.GetFileName(dir)));
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansInference.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansInference.sln above {AppContext.BaseDirectory}.");
    }
}
