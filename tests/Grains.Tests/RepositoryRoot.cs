namespace OrleansInference.Grains.Tests;

/// <summary>Paths in the repository that tests read (the demo model repository).</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's <c>models/</c> folder.</summary>
    public static string Models()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansInference.sln")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        throw new InvalidOperationException($"No OrleansInference.sln above {AppContext.BaseDirectory}.");
    }
}
