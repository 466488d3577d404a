using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>The configured folders, resolved against the content root, and the containment checks for client paths.</summary>
public sealed class BatchJobPaths
{
    public BatchJobPaths(IOptions<BatchJobOptions> options, IHostEnvironment environment)
    {
        var o = options.Value;
        DataRoot = Resolve(o.DataRoot, environment.ContentRootPath);
        OutputRoot = Resolve(o.OutputRoot, environment.ContentRootPath);
        StateRoot = Resolve(o.StateRoot, environment.ContentRootPath);
    }

    /// <summary>Creates the three folders if they do not exist.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(DataRoot);
        Directory.CreateDirectory(OutputRoot);
        Directory.CreateDirectory(StateRoot);
    }

    /// <summary>Where inputs are read from.</summary>
    public string DataRoot { get; }

    /// <summary>Where merged outputs go.</summary>
    public string OutputRoot { get; }

    /// <summary>The job database, uploaded inputs and chunk parts.</summary>
    public string StateRoot { get; }

    /// <summary>The job database file.</summary>
    public string DatabasePath => Path.Combine(StateRoot, "batch-jobs.db");

    /// <summary>A job's working folder (uploaded input, chunk parts).</summary>
    public string WorkDirectory(string jobId) => Path.Combine(StateRoot, "jobs", jobId);

    /// <summary>Resolves a client's <c>input_uri</c> (relative path, absolute path or <c>file://</c> URI) inside <see cref="DataRoot"/>.</summary>
    public bool TryResolveInput(string uri, out string path, out string error) => TryResolveInside(DataRoot, "BatchJobs:DataRoot", uri, out path, out error);

    /// <summary>Resolves a client's <c>output_uri</c> inside <see cref="OutputRoot"/>.</summary>
    public bool TryResolveOutput(string uri, out string path, out string error) => TryResolveInside(OutputRoot, "BatchJobs:OutputRoot", uri, out path, out error);

    private static bool TryResolveInside(string root, string key, string uri, out string path, out string error)
    {
        path = string.Empty;
        var raw = uri;
        if (uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.IsFile)
            {
                error = $"'{uri}' is not a valid file URI.";
                return false;
            }

            raw = parsed.LocalPath;
        }
        else if (uri.Contains("://", StringComparison.Ordinal))
        {
            error = $"'{uri}' is not a path; only files under the server's {key} folder (relative paths or file:// URIs) are accepted.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(raw) || raw.Contains('\0', StringComparison.Ordinal))
        {
            error = $"'{uri}' is not a valid path.";
            return false;
        }

        var full = Path.GetFullPath(Path.IsPathRooted(raw) ? raw : Path.Combine(root, raw));
        if (!ContainedPath.IsInside(root, full) || ContainedPath.EscapesThroughLink(root, full))
        {
            error = $"'{uri}' resolves outside the {key} folder; batch jobs read and write only inside it.";
            return false;
        }

        path = full;
        error = string.Empty;
        return true;
    }

    private static string Resolve(string path, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path)).TrimEnd(Path.DirectorySeparatorChar);
}
