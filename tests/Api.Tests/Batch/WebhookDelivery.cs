namespace OrleansInference.Api.Tests.Batch;

/// <summary>One webhook request as received.</summary>
internal sealed record WebhookDelivery(byte[] Body, string Signature, DateTime ReceivedAt);
