namespace OrleansInference.ModelTrainer.Tests;

/// <summary>Locates the repository's <c>data/</c> and <c>models/</c> folders from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Data => Path.Combine(Root, "data");

    public static string Models => Path.Combine(Root, "models");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "data", "breast_cancer.csv"))
                && File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No repository root with data/breast_cancer.csv above '{AppContext.BaseDirectory}'.");
    }
}
