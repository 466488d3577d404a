namespace OrleansInference.Client;

/// <summary>
/// How a service reaches the grid (section <c>InferenceClient</c>). The defaults match the embedded server
/// (<c>dotnet run --project src/Api</c>): cluster and service id <c>orleans-inference</c>, gateway 127.0.0.1:30000.
/// </summary>
public sealed class InferenceClientOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "InferenceClient";

    /// <summary>The port used when neither <see cref="Gateways"/> nor <see cref="GatewayPorts"/> names one: 30000, the server's default.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The cluster's id; must equal the silos' <c>Orleans:ClusterId</c>. Default <c>orleans-inference</c>.</summary>
    public string ClusterId { get; set; } = "orleans-inference";

    /// <summary>The service's id; must equal the silos' <c>Orleans:ServiceId</c>. Default <c>orleans-inference</c>.</summary>
    public string ServiceId { get; set; } = "orleans-inference";

    /// <summary>
    /// Gateway ports on 127.0.0.1 (the silos' <c>Orleans:GatewayPort</c>), each 1–65535. Used when
    /// <see cref="Gateways"/> is empty; when both are empty the client connects to 127.0.0.1:30000.
    /// </summary>
    public int[] GatewayPorts { get; set; } = [];

    /// <summary>
    /// Gateway endpoints as <c>host:port</c> (an IPv4 address, <c>[IPv6]</c> or a host name resolved at start-up; port
    /// 1–65535). Takes precedence over <see cref="GatewayPorts"/>. Default: none.
    /// </summary>
    public string[] Gateways { get; set; } = [];

    /// <summary>
    /// The Redis that holds the cluster's membership (cluster mode, a StackExchange.Redis configuration string such as
    /// <c>127.0.0.1:6379</c>): the client finds the gateways there and follows silos joining and leaving. Takes
    /// precedence over <see cref="Gateways"/> and <see cref="GatewayPorts"/>. Default: none.
    /// </summary>
    public string Redis { get; set; } = string.Empty;

    /// <summary>
    /// How long start-up keeps retrying to reach a gateway before it fails. Range 1 s to 10 minutes, default 30 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause between two connection attempts at start-up. Range 10 ms to 1 minute, default 500 ms.</summary>
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
