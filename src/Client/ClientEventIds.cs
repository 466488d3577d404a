namespace OrleansInference.Client;

/// <summary>Event ids of this component's log messages (range 5000-5099).</summary>
internal static class ClientEventIds
{
    public const int ConnectRetrying = 5000;
    public const int ConnectGaveUp = 5001;
}
