using Microsoft.Extensions.Options;

namespace OrleansInference.Client;

/// <summary>Checks <see cref="InferenceClientOptions"/> at start-up; every message names the configuration key.</summary>
internal sealed class InferenceClientOptionsValidator : IValidateOptions<InferenceClientOptions>
{
    private const string Section = InferenceClientOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, InferenceClientOptions options)
    {
        List<string>? problems = null;
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            Add($"{Section}:ClusterId is empty; it must equal the silos' Orleans:ClusterId (default 'orleans-inference').");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            Add($"{Section}:ServiceId is empty; it must equal the silos' Orleans:ServiceId (default 'orleans-inference').");
        }

        var ports = options.GatewayPorts ?? [];
        for (var i = 0; i < ports.Length; i++)
        {
            if (ports[i] is < 1 or > 65535)
            {
                Add($"{Section}:GatewayPorts:{i} is {ports[i]}; a gateway port must be from 1 to 65535.");
            }
        }

        var gateways = options.Gateways ?? [];
        for (var i = 0; i < gateways.Length; i++)
        {
            if (!GatewayEndpoints.TryParse(gateways[i], out _, out _))
            {
                Add($"{Section}:Gateways:{i} is '{gateways[i]}'; a gateway is host:port (an IPv4 address, [IPv6] or a host name, port 1-65535).");
            }
        }

        if (options.ConnectTimeout < TimeSpan.FromSeconds(1) || options.ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            Add($"{Section}:ConnectTimeout is {options.ConnectTimeout}; it must be from 1 second to 10 minutes.");
        }

        if (options.ConnectRetryDelay < TimeSpan.FromMilliseconds(10) || options.ConnectRetryDelay > TimeSpan.FromMinutes(1))
        {
            Add($"{Section}:ConnectRetryDelay is {options.ConnectRetryDelay}; it must be from 10 ms to 1 minute.");
        }

        return problems is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

        void Add(string problem) => (problems ??= []).Add(problem);
    }
}
