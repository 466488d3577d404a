using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// Reads and writes the on-disk model repository: <c>{root}/{name}/{version}/model.onnx</c> and <c>config.json</c>.
/// Every path it touches is resolved under the configured root; names and versions are validated first.
/// </summary>
public sealed partial class ModelRepository
{
    /// <summary>The model file name inside a version folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The config file name inside a version folder.</summary>
    public const string ConfigFileName = "config.json";

    private readonly ILogger<ModelRepository> _logger;

    public ModelRepository(IOptions<ModelRepositoryOptions> options, IHostEnvironment environment, ILogger<ModelRepository> logger)
    {
        var root = options.Value.RootPath;
        RootPath = Path.GetFullPath(Path.IsPathRooted(root) ? root : Path.Combine(environment.ContentRootPath, root));
        _logger = logger;
    }

    /// <summary>The absolute repository root.</summary>
    public string RootPath { get; }

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
        if (Directory.Exists(target))
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
    }
}
