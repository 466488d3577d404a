using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansInference.Api.Tests.Infrastructure;

/// <summary>
/// s3rver, a local S3-compatible server from the npm registry (pinned in <c>Repository/s3rver/package-lock.json</c>),
/// run by node on 127.0.0.1 on a free port over its own temporary folder, with one bucket. Killed and its folder
/// deleted on dispose.
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>s3rver's fixed credentials.</summary>
    public const string SecretKey = "S3RVER";

    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "tests", "Api.Tests", "Repository", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");

    private readonly Process _process;
    private readonly string _directory;

    private S3rverProcess(Process process, string directory, Uri serviceUrl, string bucket)
    {
        _process = process;
        _directory = directory;
        ServiceUrl = serviceUrl;
        Bucket = bucket;
        Client = new AmazonS3Client(
            new BasicAWSCredentials(AccessKey, SecretKey),
            new AmazonS3Config
            {
                ServiceURL = serviceUrl.ToString(),
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
    }

    /// <summary>Where the server listens, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri ServiceUrl { get; }

    /// <summary>The bucket it was started with.</summary>
    public string Bucket { get; }

    /// <summary>An S3 client for the server.</summary>
    public IAmazonS3 Client { get; }

    /// <summary>The settings that point a server's model repository at <see cref="Bucket"/> under <paramref name="prefix"/>.</summary>
    public Dictionary<string, string> RepositorySettings(string prefix, string cacheRoot) => new()
    {
        ["ModelRepository:S3:ServiceUrl"] = ServiceUrl.ToString(),
        ["ModelRepository:S3:Bucket"] = Bucket,
        ["ModelRepository:S3:Prefix"] = prefix,
        ["ModelRepository:S3:ForcePathStyle"] = "true",
        ["ModelRepository:S3:AccessKey"] = AccessKey,
        ["ModelRepository:S3:SecretKey"] = SecretKey,
        ["ModelRepository:S3:CacheRoot"] = cacheRoot,
    };

    public static async Task<S3rverProcess> StartAsync(string bucket)
    {
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"s3rver is not installed at {Script}; run: npm ci --prefix tests/Api.Tests/Repository/s3rver");
        }

        var directory = Path.Combine(Path.GetTempPath(), "oi-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { Script, "-d", directory, "-a", "127.0.0.1", "-p", "0", "--no-vhost-buckets", "--configure-bucket", bucket })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"s3rver exited with {process.ExitCode}:\n{output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return new S3rverProcess(process, directory, new Uri($"http://127.0.0.1:{port}/"), bucket);
        }
        catch
        {
            Stop(process);
            process.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Uploads every file of the source tree's demo models as <c>{prefix}{name}/{version}/{file}</c>.</summary>
    public async Task UploadDemoModelsAsync(string prefix)
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Models, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepositoryPaths.Models, file).Replace('\\', '/');
            if (relative.Split('/').Length >= 3)
            {
                await PutAsync(prefix + relative, await File.ReadAllBytesAsync(file));
            }
        }
    }

    /// <summary>Puts one object.</summary>
    public async Task PutAsync(string key, byte[] content)
    {
        using var body = new MemoryStream(content);
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false });
    }

    /// <summary>Every key under <paramref name="prefix"/>.</summary>
    public async Task<List<string>> ListAsync(string prefix)
    {
        var response = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix });
        return (response.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        Stop(_process);
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    [GeneratedRegex(@"S3rver listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
