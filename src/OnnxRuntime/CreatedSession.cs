using Microsoft.ML.OnnxRuntime;

namespace OrleansInference.OnnxRuntime;

/// <summary>
/// A session from <see cref="OnnxSessionFactory"/> and the provider it really runs on. The caller owns and disposes
/// <see cref="Session"/>.
/// </summary>
/// <param name="Session">The loaded model.</param>
/// <param name="ExecutionProvider">Where it runs: <c>CPU</c> or <c>CUDA:{device}</c>.</param>
/// <param name="Provider">The provider kind it runs on.</param>
/// <param name="FallbackReason">Why CUDA was asked for but CPU is used; null when the session runs where it was asked to.</param>
public sealed record CreatedSession(InferenceSession Session, string ExecutionProvider, ExecutionProviderKind Provider, string? FallbackReason);
