namespace OrleansInference.Api.Http;

/// <summary>A request body exceeded <see cref="ApiOptions.MaxRequestBodyBytes"/>; answered with 413.</summary>
public sealed class BodyTooLargeException : Exception
{
    public BodyTooLargeException(long size, long limit)
        : base($"The request body is at least {size} bytes; the limit is {limit} bytes (Api:MaxRequestBodyBytes).")
    {
    }

    public BodyTooLargeException()
    {
    }

    public BodyTooLargeException(string message)
        : base(message)
    {
    }

    public BodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
