using Google.Protobuf;
using Grpc.Core;

namespace OrleansInference.Api.Grpc;

/// <summary>
/// Binds a generated service with every request marshaller guarded: a request body that is not a valid protobuf
/// message of the method's request type ends the call with INVALID_ARGUMENT naming the type and the parse error
/// (Grpc.AspNetCore parses before the service runs, and would answer UNKNOWN). Responses are untouched.
/// </summary>
internal sealed class ValidatingServiceBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Guard(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Guard(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Guard(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Guard(method), handler);

    /// <summary>The same method with a request marshaller that reports a parse failure as INVALID_ARGUMENT.</summary>
    internal static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var requests = method.RequestMarshaller;
        var typeName = typeof(TRequest).Name;
        var guarded = new Marshaller<TRequest>(
            requests.ContextualSerializer,
            context =>
            {
                try
                {
                    return requests.ContextualDeserializer(context);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new RpcException(new Status(
                        StatusCode.InvalidArgument,
                        $"The {method.Name} request is not a valid protobuf '{typeName}' message: {ex.Message}"));
                }
            });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, guarded, method.ResponseMarshaller);
    }
}
