using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// Reads and writes the on-disk model repository: <c>{root}/{name}/{version}/model.onnx</c> and <c>config.json</c>.
/// Every path it touches is resolved under the configured root; names and versions are validated first.
/// With <c>ModelRepository:S3</c> configured the repository is an S3 bucket: the root is then this node's cache
/// folder, and the asynchronous members sync a version from the bucket into it (verified, renamed into place whole)
/// before it is loaded.
/// </summary>
public sealed partial class ModelRepository : IDisposable
{
    /// <summary>The model file name inside a version folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The config file name inside a version folder.</summary>
    public const string ConfigFileName = "config.json";

    private readonly ILogger<ModelRepository> _logger;
    private readonly S3ModelStore? _s3;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _syncGates = new(StringComparer.Ordinal);

    public ModelRepository(IOptions<ModelRepositoryOptions> options, IHostEnvironment environment, ILogger<ModelRepository> logger)
    {
        var root = options.Value.RootPath;
        if (options.Value.S3 is { IsConfigured: true } s3)
        {
            _s3 = new S3ModelStore(s3);
            root = string.IsNullOrWhiteSpace(s3.CacheRoot) ? DefaultCacheRoot(s3) : s3.CacheRoot;
        }

        RootPath = Path.GetFullPath(Path.IsPathRooted(root) ? root : Path.Combine(environment.ContentRootPath, root));
        _logger = logger;
    }

    /// <summary>The absolute repository root: the shared folder, or with S3 this node's cache of synced versions.</summary>
    public string RootPath { get; }

    /// <summary>Whether the repository is an S3 bucket (<c>ModelRepository:S3:Bucket</c> is set).</summary>
    public bool UsesS3 => _s3 is not null;

    /// <summary>Where versions come from, for logs and messages: the folder, or the bucket, prefix and endpoint.</summary>
    public string Location => _s3?.Description ?? RootPath;

    /// <summary>Every valid model version: <see cref="Scan"/> for the folder; with S3, the bucket's versions, each synced.</summary>
    /// <exception cref="ModelRepositoryUnavailableException">The bucket could not be listed.</exception>
    public async Task<IReadOnlyList<ModelVersionDescriptor>> ScanAsync(CancellationToken cancellationToken)
    {
        if (_s3 is null)
        {
            return Scan();
        }

        var found = new List<ModelVersionDescriptor>();
        foreach (var (name, version) in await _s3.ListVersionsAsync(cancellationToken))
        {
            try
            {
                found.Add(await LoadAsync(name, version, cancellationToken));
            }
            catch (ModelRepositoryException ex) when (ex is not ModelRepositoryUnavailableException)
            {
                Log.InvalidVersion(_logger, name, version, ex.Message);
            }
        }

        return found;
    }

    /// <summary>Loads one version as <see cref="Load"/> does, first syncing it from S3 when the repository is a bucket.</summary>
    /// <exception cref="ModelRepositoryException">The version is missing, invalid or its checksum wrong.</exception>
    /// <exception cref="ModelRepositoryUnavailableException">The bucket could not be reached.</exception>
    public async Task<ModelVersionDescriptor> LoadAsync(string name, string version, CancellationToken cancellationToken)
    {
        await SyncAsync(name, version, cancellationToken);
        return Load(name, version);
    }

    /// <summary>
    /// With S3, makes sure this node's cache holds the version: its objects are downloaded into a staging folder, the
    /// model's sha256 is checked against the one its config records, and the folder is renamed into place whole, so a
    /// half-downloaded or corrupted version is never loaded. A version already in the cache is kept (versions are
    /// immutable). Nothing to do for the folder repository.
    /// </summary>
    public async Task SyncAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (_s3 is null)
        {
            return;
        }

        var target = VersionDirectory(name, version);
        var gate = _syncGates.GetOrAdd(ModelKeys.VersionKey(name, version), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(target))
            {
                return;
            }

            var files = await _s3.ListVersionFilesAsync(name, version, cancellationToken);
            foreach (var required in new[] { ModelFileName, ConfigFileName })
            {
                if (!files.Contains(required))
                {
                    throw new ModelRepositoryException($"Model '{name}/{version}' has no {required} in the model repository ({_s3.Description}).");
                }
            }

            var staging = Path.Combine(RootPath, ".staging-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(staging);
            try
            {
                foreach (var relative in files)
                {
                    var destination = Path.GetFullPath(Path.Combine(staging, relative));
                    if (!destination.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                    await _s3.DownloadAsync(name, version, relative, destination, cancellationToken);
                }

                var config = ParseConfig(await File.ReadAllBytesAsync(Path.Combine(staging, ConfigFileName), cancellationToken), $"{name}/{version}/{ConfigFileName}");
                var sha = await Task.Run(() => ComputeSha256(Path.Combine(staging, ModelFileName)), cancellationToken);
                if (config.Sha256 is { Length: > 0 } expected && !string.Equals(expected, sha, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelRepositoryException(
                        $"Checksum mismatch for '{name}/{version}' downloaded from the model repository ({_s3.Description}): "
                        + $"{ConfigFileName} records sha256 {expected}, {ModelFileName} has {sha}; the version is not loaded.");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    Directory.Move(staging, target);
                }
                catch (IOException) when (Directory.Exists(target))
                {
                    // Another process sharing the cache renamed the same version into place first.
                }

                Log.Synced(_logger, name, version, files.Count, _s3.Description);
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _s3?.Dispose();

    private static string DefaultCacheRoot(ModelRepositoryS3Options s3)
    {
        var source = $"{s3.ServiceUrl?.Trim()}|{s3.Bucket?.Trim()}|{s3.NormalizedPrefix}";
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        return Path.Combine(Path.GetTempPath(), "orleans-inference-models", $"{s3.Bucket!.Trim()}-{id}");
    }

    /// <summary>Every valid model version in the repository. Invalid folders are logged and skipped.</summary>
    public IReadOnlyList<ModelVersionDescriptor> Scan()
    {
        var found = new List<ModelVersionDescriptor>();
        if (!Directory.Exists(RootPath))
        {
            Log.RootMissing(_logger, RootPath);
            return found;
        }

        foreach (var modelDir in Directory.EnumerateDirectories(RootPath))
        {
            var name = Path.GetFileName(modelDir);
            if (!ModelKeys.IsValidName(name))
            {
                continue;
            }

            foreach (var versionDir in Directory.EnumerateDirectories(modelDir))
            {
                var version = Path.GetFileName(versionDir);
                if (!ModelKeys.IsValidVersion(version) || !File.Exists(Path.Combine(versionDir, ModelFileName)))
                {
                    continue;
                }

                try
                {
                    found.Add(Load(name, version));
                }
                catch (ModelRepositoryException ex)
                {
                    Log.InvalidVersion(_logger, name, version, ex.Message);
                }
            }
        }

        return found;
    }

    /// <summary>Loads and validates one version's config and checksum.</summary>
    /// <exception cref="ModelRepositoryException">The folder is missing, the config invalid or the checksum wrong.</exception>
    public ModelVersionDescriptor Load(string name, string version)
    {
        var dir = VersionDirectory(name, version);
        var modelPath = Path.Combine(dir, ModelFileName);
        var configPath = Path.Combine(dir, ConfigFileName);
        if (!File.Exists(modelPath))
        {
            throw new ModelRepositoryException($"Model '{name}/{version}' has no {ModelFileName} in the repository.");
        }

        if (!File.Exists(configPath))
        {
            throw new ModelRepositoryException($"Model '{name}/{version}' has no {ConfigFileName} in the repository.");
        }

        var config = ParseConfig(File.ReadAllBytes(configPath), $"{name}/{version}/{ConfigFileName}");
        if (config.Name != name || config.Version != version)
        {
            throw new ModelRepositoryException(
                $"Config of '{name}/{version}' names '{config.Name}/{config.Version}'; the folder and config must agree.");
        }

        var sha = ComputeSha256(modelPath);
        if (config.Sha256 is { Length: > 0 } expected && !string.Equals(expected, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelRepositoryException(
                $"Checksum mismatch for '{name}/{version}': config says sha256 {expected}, {ModelFileName} has {sha}.");
        }

        return new ModelVersionDescriptor(name, version, dir, config, sha);
    }

    /// <summary>Parses and validates a config document.</summary>
    public static ModelConfig ParseConfig(ReadOnlySpan<byte> json, string source)
    {
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, ModelConfigJsonContext.Default.ModelConfig);
        }
        catch (JsonException ex)
        {
            // The parser's message can quote the file's text; name only where the JSON went wrong.
            throw new ModelRepositoryException(
                $"{source} is not a valid model config: invalid JSON or a value of the wrong type at '{ex.Path ?? "$"}' (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).", ex);
        }

        if (config is null)
        {
            throw new ModelRepositoryException($"{source} is empty.");
        }

        if (ConfigKeyCheck.FindUnknownKey(json) is { } unknown)
        {
            throw new ModelRepositoryException($"{source} has an {unknown}");
        }

        var problems = ModelConfigValidator.Validate(config);
        if (problems.Count > 0)
        {
            throw new ModelRepositoryException($"{source} is invalid: {string.Join(" ", problems)}");
        }

        return config;
    }

    /// <summary>Serializes a config as the repository stores it.</summary>
    public static byte[] SerializeConfig(ModelConfig config) =>
        JsonSerializer.SerializeToUtf8Bytes(config, ModelConfigJsonContext.Default.ModelConfig);

    /// <summary>
    /// Writes a new version's files. Files are written to a temporary folder inside the repository and moved into
    /// place, so a reader never sees half a version. Fails if the version exists.
    /// </summary>
    public async Task<ModelVersionDescriptor> WriteVersionAsync(ModelConfig config, Stream model, CancellationToken cancellationToken)
    {
        var target = VersionDirectory(config.Name, config.Version);
        if (Directory.Exists(target) || (_s3 is not null && await _s3.VersionExistsAsync(config.Name, config.Version, cancellationToken)))
        {
            throw new ModelRepositoryConflictException($"Model '{config.Name}/{config.Version}' already exists in the repository.");
        }

        var staging = Path.Combine(RootPath, ".staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var modelPath = Path.Combine(staging, ModelFileName);
            await using (var file = new FileStream(modelPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await model.CopyToAsync(file, cancellationToken);
            }

            var sha = ComputeSha256(modelPath);
            if (config.Sha256 is { Length: > 0 } expected && !string.Equals(expected, sha, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelRepositoryException($"Checksum mismatch for the uploaded model: config says sha256 {expected}, upload has {sha}.");
            }

            await File.WriteAllBytesAsync(Path.Combine(staging, ConfigFileName), SerializeConfig(config with { Sha256 = sha }), cancellationToken);
            if (_s3 is not null)
            {
                // The config goes last: a version is listed once both objects exist.
                await _s3.UploadAsync(config.Name, config.Version, ModelFileName, modelPath, cancellationToken);
                await _s3.UploadAsync(config.Name, config.Version, ConfigFileName, Path.Combine(staging, ConfigFileName), cancellationToken);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return Load(config.Name, config.Version);
    }

    /// <summary>Resolves a version folder, refusing anything that would leave the repository root.</summary>
    public string VersionDirectory(string name, string version)
    {
        if (!ModelKeys.IsValidName(name))
        {
            throw new ModelRepositoryException($"'{name}' is not a valid model name: use 1-64 letters, digits, '-', '_' or '.'.");
        }

        if (!ModelKeys.IsValidVersion(version))
        {
            throw new ModelRepositoryException($"'{version}' is not a valid version: use a positive integer such as 1 or 12.");
        }

        return ResolveInside(Path.Combine(name, version));
    }

    /// <summary>Resolves a path relative to the root; throws if it points outside it.</summary>
    public string ResolveInside(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(RootPath, relativePath));
        var rootWithSeparator = RootPath.EndsWith(Path.DirectorySeparatorChar) ? RootPath : RootPath + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ModelRepositoryException($"Path '{relativePath}' is outside the model repository; only folders under the repository root are accepted.");
        }

        return full;
    }

    /// <summary>Hex SHA-256 of a file.</summary>
    public static string ComputeSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Model repository root {Root} does not exist; no models are served from disk.")]
        public static partial void RootMissing(ILogger logger, string root);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Skipping model {Name}/{Version}: {Reason}")]
        public static partial void InvalidVersion(ILogger logger, string name, string version, string reason);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Synced model {Name}/{Version} ({Files} files) from {Source}.")]
        public static partial void Synced(ILogger logger, string name, string version, int files, string source);
    }
}
