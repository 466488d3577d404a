using Microsoft.Extensions.Options;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>Invalid <c>BatchJobs</c> settings stop start-up with a message naming the key.</summary>
public sealed class BatchJobOptionsStartupTests
{
    [Theory]
    [InlineData("BatchJobs:ChunkRows", "0", "ChunkRows")]
    [InlineData("BatchJobs:MaxErrorsFraction", "1.5", "MaxErrorsFraction")]
    [InlineData("BatchJobs:WebhookSecret", "short", "BatchJobs:WebhookSecret")]
    public async Task Start_WithInvalidBatchJobOptions_FailsNamingTheKey(string key, string value, string named)
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-" + Guid.NewGuid().ToString("N"));
        var settings = BatchServerFixture.Settings(root);
        settings[key] = value;
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiServer.StartAsync(settings: settings));

            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
