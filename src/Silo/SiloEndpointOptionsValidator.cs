using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Silo;

/// <summary>Checks <see cref="SiloEndpointOptions"/> before the silo is composed (its ports decide the listeners).</summary>
internal static class SiloEndpointOptionsValidator
{
    public static void ThrowIfInvalid(SiloEndpointOptions options)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var messages = results.Select(r => $"{SiloEndpointOptions.SectionName}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
            throw new InvalidOperationException("Invalid silo configuration. " + string.Join(" ", messages));
        }

        if (!System.Net.IPAddress.TryParse(options.Address, out _))
        {
            throw new InvalidOperationException(
                $"Invalid silo configuration. {SiloEndpointOptions.SectionName}:Address is '{options.Address}'; it must be an IP address such as 127.0.0.1 or the host's address.");
        }

        if (options.SiloPort != 0 && options.SiloPort == options.GatewayPort)
        {
            throw new InvalidOperationException(
                $"Invalid silo configuration. {SiloEndpointOptions.SectionName}:SiloPort and {SiloEndpointOptions.SectionName}:GatewayPort are both {options.SiloPort}; they need different ports.");
        }
    }
}
