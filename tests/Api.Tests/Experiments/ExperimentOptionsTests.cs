using Microsoft.Extensions.Options;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Experiments;

public sealed class ExperimentOptionsTests
{
    [Fact]
    public async Task InvalidExperimentOptions_StopStartUp_NamingTheKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ApiServer.StartAsync(settings: new Dictionary<string, string> { ["Experiments:ShadowQueueCapacity"] = "0" }));

        Assert.Contains("ShadowQueueCapacity", error.Message, StringComparison.Ordinal);
    }
}
