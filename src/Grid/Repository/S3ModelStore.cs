using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// The model repository's objects in one S3 bucket under one prefix, both from configuration only:
/// <c>{prefix}{name}/{version}/{file}</c>. Every key it builds comes from a validated name and version; every key it
/// reads is checked to stay under the version's prefix. S3 failures become <see cref="ModelRepositoryUnavailableException"/>.
/// </summary>
internal sealed class S3ModelStore : IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3ModelStore(ModelRepositoryS3Options options)
    {
        _bucket = options.Bucket!.Trim();
        _prefix = options.NormalizedPrefix;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            MaxErrorRetry = 2,
            // Checksums only where S3 requires them: S3-compatible servers often know no trailing checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl.Trim();
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region.Trim();
        }
        else if (!string.IsNullOrWhiteSpace(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region.Trim());
        }

        try
        {
            _client = string.IsNullOrWhiteSpace(options.AccessKey)
                ? new AmazonS3Client(config)
                : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey.Trim(), options.SecretKey!.Trim()), config);
        }
        catch (AmazonClientException ex)
        {
            throw new InvalidOperationException(
                $"ModelRepository:S3 could not set up an S3 client: {ex.Message} Set ModelRepository:S3:Region (or AWS_REGION), or ModelRepository:S3:ServiceUrl for an S3-compatible server.", ex);
        }

        Description = $"S3 bucket '{_bucket}'" + (_prefix.Length > 0 ? $" under prefix '{_prefix}'" : string.Empty)
            + (string.IsNullOrWhiteSpace(options.ServiceUrl) ? string.Empty : $" at {options.ServiceUrl.Trim()}");
    }

    /// <summary>Where the objects live, for messages and logs: bucket, prefix and endpoint.</summary>
    public string Description { get; }

    /// <summary>Every <c>(name, version)</c> under the prefix that has both a model and a config object.</summary>
    public async Task<IReadOnlyList<(string Name, string Version)>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        var files = new Dictionary<(string, string), int>();
        foreach (var key in await ListKeysAsync(_prefix, "listing the repository", cancellationToken))
        {
            var parts = key[_prefix.Length..].Split('/');
            if (parts.Length != 3 || !ModelKeys.IsValidName(parts[0]) || !ModelKeys.IsValidVersion(parts[1]))
            {
                continue;
            }

            var bit = parts[2] switch
            {
                ModelRepository.ModelFileName => 1,
                ModelRepository.ConfigFileName => 2,
                _ => 0,
            };
            files[(parts[0], parts[1])] = files.GetValueOrDefault((parts[0], parts[1])) | bit;
        }

        return files.Where(f => f.Value == 3).Select(f => f.Key).Order().ToList();
    }

    /// <summary>
    /// A version's files as paths relative to its folder ('/'-separated). Keys whose remainder is not a plain relative
    /// path (empty, '.' or '..' segments, backslashes) are left out.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListVersionFilesAsync(string name, string version, CancellationToken cancellationToken)
    {
        var versionPrefix = VersionPrefix(name, version);
        var files = new List<string>();
        foreach (var key in await ListKeysAsync(versionPrefix, $"listing '{name}/{version}'", cancellationToken))
        {
            var relative = key[versionPrefix.Length..];
            if (relative.Length > 0 && !relative.Contains('\\') && !relative.Contains(':')
                && relative.Split('/').All(s => s.Length > 0 && s is not "." and not ".."))
            {
                files.Add(relative);
            }
        }

        return files;
    }

    /// <summary>Downloads one of a version's files to <paramref name="destination"/> (created; must not exist).</summary>
    public async Task DownloadAsync(string name, string version, string relative, string destination, CancellationToken cancellationToken)
    {
        var key = VersionPrefix(name, version) + relative;
        await CallAsync($"downloading '{name}/{version}/{relative}'", async () =>
        {
            using var response = await _client.GetObjectAsync(_bucket, key, cancellationToken);
            await using var source = response.ResponseStream;
            await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await source.CopyToAsync(file, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Uploads a local file as one of a version's objects.</summary>
    public Task UploadAsync(string name, string version, string relative, string source, CancellationToken cancellationToken) =>
        CallAsync($"uploading '{name}/{version}/{relative}'", async () =>
        {
            await _client.PutObjectAsync(
                new PutObjectRequest { BucketName = _bucket, Key = VersionPrefix(name, version) + relative, FilePath = source, UseChunkEncoding = false },
                cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>Whether any object exists under the version's prefix.</summary>
    public async Task<bool> VersionExistsAsync(string name, string version, CancellationToken cancellationToken) =>
        (await ListVersionFilesAsync(name, version, cancellationToken)).Count > 0;

    public void Dispose() => _client.Dispose();

    private string VersionPrefix(string name, string version)
    {
        if (!ModelKeys.IsValidName(name) || !ModelKeys.IsValidVersion(version))
        {
            throw new ModelRepositoryException($"'{name}/{version}' is not a valid model name and version.");
        }

        return $"{_prefix}{name}/{version}/";
    }

    private async Task<List<string>> ListKeysAsync(string prefix, string what, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, ContinuationToken = continuation };
            var response = await CallAsync(what, () => _client.ListObjectsV2Async(request, cancellationToken), cancellationToken);
            foreach (var entry in response.S3Objects ?? [])
            {
                if (entry.Key is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    keys.Add(key);
                }
            }

            continuation = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (continuation is not null);
        return keys;
    }

    private async Task<T> CallAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
        {
            throw new ModelRepositoryException($"The model repository ({Description}) has no object for {what}.", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new ModelRepositoryUnavailableException(
                $"The model repository ({Description}) refused {what}: {(int)ex.StatusCode} {ex.ErrorCode} {ex.Message}".TrimEnd()
                + " Check ModelRepository:S3:Bucket, Prefix and the credentials.", ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ModelRepositoryUnavailableException(
                $"The model repository ({Description}) could not be reached while {what}: {Innermost(ex).Message} Check ModelRepository:S3:ServiceUrl and the network; retry shortly.", ex);
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
