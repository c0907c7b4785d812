package switchboard.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Streams stored webhook events to internal subscribers.
 * </pre>
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: switchboard/v1/event_stream.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class EventStreamGrpc {

  private EventStreamGrpc() {}

  public static final String SERVICE_NAME = "switchboard.v1.EventStream";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<switchboard.v1.EventStreamOuterClass.SubscribeRequest,
      switchboard.v1.EventOuterClass.Event> getSubscribeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Subscribe",
      requestType = switchboard.v1.EventStreamOuterClass.SubscribeRequest.class,
      responseType = switchboard.v1.EventOuterClass.Event.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<switchboard.v1.EventStreamOuterClass.SubscribeRequest,
      switchboard.v1.EventOuterClass.Event> getSubscribeMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.EventStreamOuterClass.SubscribeRequest, switchboard.v1.EventOuterClass.Event> getSubscribeMethod;
    if ((getSubscribeMethod = EventStreamGrpc.getSubscribeMethod) == null) {
      synchronized (EventStreamGrpc.class) {
        if ((getSubscribeMethod = EventStreamGrpc.getSubscribeMethod) == null) {
          EventStreamGrpc.getSubscribeMethod = getSubscribeMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.EventStreamOuterClass.SubscribeRequest, switchboard.v1.EventOuterClass.Event>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Subscribe"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.EventStreamOuterClass.SubscribeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.EventOuterClass.Event.getDefaultInstance()))
              .setSchemaDescriptor(new EventStreamMethodDescriptorSupplier("Subscribe"))
              .build();
        }
      }
    }
    return getSubscribeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroup.ConsumeRequest,
      switchboard.v1.ConsumerGroup.ConsumeResponse> getConsumeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Consume",
      requestType = switchboard.v1.ConsumerGroup.ConsumeRequest.class,
      responseType = switchboard.v1.ConsumerGroup.ConsumeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroup.ConsumeRequest,
      switchboard.v1.ConsumerGroup.ConsumeResponse> getConsumeMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroup.ConsumeRequest, switchboard.v1.ConsumerGroup.ConsumeResponse> getConsumeMethod;
    if ((getConsumeMethod = EventStreamGrpc.getConsumeMethod) == null) {
      synchronized (EventStreamGrpc.class) {
        if ((getConsumeMethod = EventStreamGrpc.getConsumeMethod) == null) {
          EventStreamGrpc.getConsumeMethod = getConsumeMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroup.ConsumeRequest, switchboard.v1.ConsumerGroup.ConsumeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Consume"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroup.ConsumeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroup.ConsumeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new EventStreamMethodDescriptorSupplier("Consume"))
              .build();
        }
      }
    }
    return getConsumeMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static EventStreamStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<EventStreamStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<EventStreamStub>() {
        @java.lang.Override
        public EventStreamStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new EventStreamStub(channel, callOptions);
        }
      };
    return EventStreamStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static EventStreamBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<EventStreamBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<EventStreamBlockingStub>() {
        @java.lang.Override
        public EventStreamBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new EventStreamBlockingStub(channel, callOptions);
        }
      };
    return EventStreamBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static EventStreamFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<EventStreamFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<EventStreamFutureStub>() {
        @java.lang.Override
        public EventStreamFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new EventStreamFutureStub(channel, callOptions);
        }
      };
    return EventStreamFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Streams stored webhook events to internal subscribers.
   * </pre>
   */
  public static abstract class EventStreamImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * Streams events matching `event_types`, in sequence order, until the client
     * cancels or the server ends the stream. Status codes:
     * - INVALID_ARGUMENT: a malformed pattern (the message names it).
     * - OUT_OF_RANGE: `after_sequence` is older than the oldest retained event
     *   or newer than the newest one (the message gives both bounds).
     * - RESOURCE_EXHAUSTED: the subscriber read so slowly that events it had not
     *   read yet left retention; the message gives the last sequence delivered.
     * - UNAVAILABLE: the server is shutting down; reconnect (to this or another
     *   instance) with `after_sequence` set to the last sequence you processed.
     * </pre>
     */
    public void subscribe(switchboard.v1.EventStreamOuterClass.SubscribeRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.EventOuterClass.Event> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubscribeMethod(), responseObserver);
    }

    /**
     * <pre>
     * Joins a consumer group and consumes its events: the first request is a
     * JoinGroup, the first response GroupJoined; then the server sends
     * deliveries and the member acks (consumer_group.proto states the
     * semantics). Status codes, besides Subscribe's:
     * - INVALID_ARGUMENT: a malformed request (the first message not a join, a
     *   second join, a bad group name or setting, too many sequences).
     * - FAILED_PRECONDITION: the group exists with another filter or setting
     *   (the message gives the group's).
     * - PERMISSION_DENIED: the group's filter is outside the token's grant.
     * - ABORTED: the group was deleted.
     * - RESOURCE_EXHAUSTED: too many groups or members.
     * Unacked events of a member whose stream ends are delivered to the others.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroup.ConsumeRequest> consume(
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroup.ConsumeResponse> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getConsumeMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getSubscribeMethod(),
            io.grpc.stub.ServerCalls.asyncServerStreamingCall(
              new MethodHandlers<
                switchboard.v1.EventStreamOuterClass.SubscribeRequest,
                switchboard.v1.EventOuterClass.Event>(
                  this, METHODID_SUBSCRIBE)))
          .addMethod(
            getConsumeMethod(),
            io.grpc.stub.ServerCalls.asyncBidiStreamingCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroup.ConsumeRequest,
                switchboard.v1.ConsumerGroup.ConsumeResponse>(
                  this, METHODID_CONSUME)))
          .build();
    }
  }

  /**
   * <pre>
   * Streams stored webhook events to internal subscribers.
   * </pre>
   */
  public static final class EventStreamStub extends io.grpc.stub.AbstractAsyncStub<EventStreamStub> {
    private EventStreamStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected EventStreamStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new EventStreamStub(channel, callOptions);
    }

    /**
     * <pre>
     * Streams events matching `event_types`, in sequence order, until the client
     * cancels or the server ends the stream. Status codes:
     * - INVALID_ARGUMENT: a malformed pattern (the message names it).
     * - OUT_OF_RANGE: `after_sequence` is older than the oldest retained event
     *   or newer than the newest one (the message gives both bounds).
     * - RESOURCE_EXHAUSTED: the subscriber read so slowly that events it had not
     *   read yet left retention; the message gives the last sequence delivered.
     * - UNAVAILABLE: the server is shutting down; reconnect (to this or another
     *   instance) with `after_sequence` set to the last sequence you processed.
     * </pre>
     */
    public void subscribe(switchboard.v1.EventStreamOuterClass.SubscribeRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.EventOuterClass.Event> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getSubscribeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Joins a consumer group and consumes its events: the first request is a
     * JoinGroup, the first response GroupJoined; then the server sends
     * deliveries and the member acks (consumer_group.proto states the
     * semantics). Status codes, besides Subscribe's:
     * - INVALID_ARGUMENT: a malformed request (the first message not a join, a
     *   second join, a bad group name or setting, too many sequences).
     * - FAILED_PRECONDITION: the group exists with another filter or setting
     *   (the message gives the group's).
     * - PERMISSION_DENIED: the group's filter is outside the token's grant.
     * - ABORTED: the group was deleted.
     * - RESOURCE_EXHAUSTED: too many groups or members.
     * Unacked events of a member whose stream ends are delivered to the others.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroup.ConsumeRequest> consume(
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroup.ConsumeResponse> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
          getChannel().newCall(getConsumeMethod(), getCallOptions()), responseObserver);
    }
  }

  /**
   * <pre>
   * Streams stored webhook events to internal subscribers.
   * </pre>
   */
  public static final class EventStreamBlockingStub extends io.grpc.stub.AbstractBlockingStub<EventStreamBlockingStub> {
    private EventStreamBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected EventStreamBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new EventStreamBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Streams events matching `event_types`, in sequence order, until the client
     * cancels or the server ends the stream. Status codes:
     * - INVALID_ARGUMENT: a malformed pattern (the message names it).
     * - OUT_OF_RANGE: `after_sequence` is older than the oldest retained event
     *   or newer than the newest one (the message gives both bounds).
     * - RESOURCE_EXHAUSTED: the subscriber read so slowly that events it had not
     *   read yet left retention; the message gives the last sequence delivered.
     * - UNAVAILABLE: the server is shutting down; reconnect (to this or another
     *   instance) with `after_sequence` set to the last sequence you processed.
     * </pre>
     */
    public java.util.Iterator<switchboard.v1.EventOuterClass.Event> subscribe(
        switchboard.v1.EventStreamOuterClass.SubscribeRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getSubscribeMethod(), getCallOptions(), request);
    }
  }

  /**
   * <pre>
   * Streams stored webhook events to internal subscribers.
   * </pre>
   */
  public static final class EventStreamFutureStub extends io.grpc.stub.AbstractFutureStub<EventStreamFutureStub> {
    private EventStreamFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected EventStreamFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new EventStreamFutureStub(channel, callOptions);
    }
  }

  private static final int METHODID_SUBSCRIBE = 0;
  private static final int METHODID_CONSUME = 1;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final EventStreamImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(EventStreamImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_SUBSCRIBE:
          serviceImpl.subscribe((switchboard.v1.EventStreamOuterClass.SubscribeRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.EventOuterClass.Event>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CONSUME:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.consume(
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroup.ConsumeResponse>) responseObserver);
        default:
          throw new AssertionError();
      }
    }
  }

  private static abstract class EventStreamBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    EventStreamBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return switchboard.v1.EventStreamOuterClass.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("EventStream");
    }
  }

  private static final class EventStreamFileDescriptorSupplier
      extends EventStreamBaseDescriptorSupplier {
    EventStreamFileDescriptorSupplier() {}
  }

  private static final class EventStreamMethodDescriptorSupplier
      extends EventStreamBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    EventStreamMethodDescriptorSupplier(String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (EventStreamGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new EventStreamFileDescriptorSupplier())
              .addMethod(getSubscribeMethod())
              .addMethod(getConsumeMethod())
              .build();
        }
      }
    }
    return result;
  }
}
