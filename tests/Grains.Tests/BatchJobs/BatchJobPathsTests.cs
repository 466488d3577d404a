using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

public sealed class BatchJobPathsTests
{
    private static readonly BatchJobPaths Paths = new(
        Options.Create(new BatchJobOptions { DataRoot = "/srv/in", OutputRoot = "/srv/out", StateRoot = "state" }), new Environment("/app"));

    [Theory]
    [InlineData("a.csv", "/srv/in/a.csv")]
    [InlineData("sub/dir/a.csv", "/srv/in/sub/dir/a.csv")]
    [InlineData("/srv/in/a.csv", "/srv/in/a.csv")]
    [InlineData("file:///srv/in/x%20y.csv", "/srv/in/x y.csv")]
    public void TryResolveInput_accepts_paths_inside_the_root(string uri, string expected)
    {
        Assert.True(Paths.TryResolveInput(uri, out var path, out var error), error);
        Assert.Equal(expected, path);
    }

    [Theory]
    [InlineData("../a.csv")]
    [InlineData("/srv/input/a.csv")]
    [InlineData("/srv/in")]
    [InlineData("a/../../b.csv")]
    [InlineData("file:///etc/passwd")]
    [InlineData("s3://bucket/a.csv")]
    [InlineData("")]
    public void TryResolveInput_refuses_everything_else(string uri)
    {
        Assert.False(Paths.TryResolveInput(uri, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryResolveInput_refuses_links_that_lead_outside_the_root()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-paths-" + Guid.NewGuid().ToString("N"));
        var outside = root + "-outside";
        Directory.CreateDirectory(Path.Combine(root, "in", "real"));
        Directory.CreateDirectory(outside);
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret.csv"), "a\n1\n");
            File.WriteAllText(Path.Combine(root, "in", "real", "ok.csv"), "a\n1\n");
            Directory.CreateSymbolicLink(Path.Combine(root, "in", "escape"), outside);
            File.CreateSymbolicLink(Path.Combine(root, "in", "secret.csv"), Path.Combine(outside, "secret.csv"));
            Directory.CreateSymbolicLink(Path.Combine(root, "in", "alias"), Path.Combine(root, "in", "real"));
            var paths = new BatchJobPaths(Options.Create(new BatchJobOptions { DataRoot = Path.Combine(root, "in") }), new Environment(root));

            Assert.False(paths.TryResolveInput("escape/secret.csv", out _, out _));
            Assert.False(paths.TryResolveInput("secret.csv", out _, out _));
            Assert.True(paths.TryResolveInput("alias/ok.csv", out _, out var error), error);
            Assert.True(paths.TryResolveInput("real/new.csv", out _, out error), error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Relative_roots_resolve_against_the_content_root() =>
        Assert.Equal("/app/state/batch-jobs.db", Paths.DatabasePath);

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
