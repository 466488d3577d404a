using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

public sealed class BatchJobOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid() =>
        Assert.True(new BatchJobOptionsValidator().Validate(null, new BatchJobOptions()).Succeeded);

    [Fact]
    public void Problems_name_the_key()
    {
        var options = new BatchJobOptions
        {
            WebhookSecret = "short",
            WebhookInitialBackoff = TimeSpan.Zero,
            WebhookTimeout = TimeSpan.FromHours(1),
            OutputRoot = "/srv/batch",
            StateRoot = "/srv/batch/state",
            ResumeReminderPeriod = TimeSpan.FromSeconds(30),
        };
        options.AllowedCallbackHosts.Add("not a host");

        var result = new BatchJobOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var key in new[] { "WebhookSecret", "WebhookInitialBackoff", "WebhookTimeout", "AllowedCallbackHosts", "StateRoot", "ResumeReminderPeriod" })
        {
            Assert.Contains("BatchJobs:" + key, result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
