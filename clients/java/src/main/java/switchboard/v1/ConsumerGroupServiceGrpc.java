package switchboard.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Operates consumer groups (EventStream.Consume). With tokens configured,
 * every call needs one, and a token sees and manages only the groups whose
 * filter lies within its grant. Errors: NOT_FOUND for an unknown group,
 * INVALID_ARGUMENT for a malformed request.
 * </pre>
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: switchboard/v1/consumer_group_service.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class ConsumerGroupServiceGrpc {

  private ConsumerGroupServiceGrpc() {}

  public static final String SERVICE_NAME = "switchboard.v1.ConsumerGroupService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse> getListGroupsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListGroups",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse> getListGroupsMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest, switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse> getListGroupsMethod;
    if ((getListGroupsMethod = ConsumerGroupServiceGrpc.getListGroupsMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getListGroupsMethod = ConsumerGroupServiceGrpc.getListGroupsMethod) == null) {
          ConsumerGroupServiceGrpc.getListGroupsMethod = getListGroupsMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest, switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListGroups"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("ListGroups"))
              .build();
        }
      }
    }
    return getListGroupsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse> getGetGroupMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetGroup",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse> getGetGroupMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest, switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse> getGetGroupMethod;
    if ((getGetGroupMethod = ConsumerGroupServiceGrpc.getGetGroupMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getGetGroupMethod = ConsumerGroupServiceGrpc.getGetGroupMethod) == null) {
          ConsumerGroupServiceGrpc.getGetGroupMethod = getGetGroupMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest, switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetGroup"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("GetGroup"))
              .build();
        }
      }
    }
    return getGetGroupMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse> getSeekGroupMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SeekGroup",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse> getSeekGroupMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest, switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse> getSeekGroupMethod;
    if ((getSeekGroupMethod = ConsumerGroupServiceGrpc.getSeekGroupMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getSeekGroupMethod = ConsumerGroupServiceGrpc.getSeekGroupMethod) == null) {
          ConsumerGroupServiceGrpc.getSeekGroupMethod = getSeekGroupMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest, switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SeekGroup"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("SeekGroup"))
              .build();
        }
      }
    }
    return getSeekGroupMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse> getListDeadLettersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListDeadLetters",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse> getListDeadLettersMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest, switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse> getListDeadLettersMethod;
    if ((getListDeadLettersMethod = ConsumerGroupServiceGrpc.getListDeadLettersMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getListDeadLettersMethod = ConsumerGroupServiceGrpc.getListDeadLettersMethod) == null) {
          ConsumerGroupServiceGrpc.getListDeadLettersMethod = getListDeadLettersMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest, switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListDeadLetters"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("ListDeadLetters"))
              .build();
        }
      }
    }
    return getListDeadLettersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse> getRequeueDeadLettersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RequeueDeadLetters",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse> getRequeueDeadLettersMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest, switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse> getRequeueDeadLettersMethod;
    if ((getRequeueDeadLettersMethod = ConsumerGroupServiceGrpc.getRequeueDeadLettersMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getRequeueDeadLettersMethod = ConsumerGroupServiceGrpc.getRequeueDeadLettersMethod) == null) {
          ConsumerGroupServiceGrpc.getRequeueDeadLettersMethod = getRequeueDeadLettersMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest, switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RequeueDeadLetters"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("RequeueDeadLetters"))
              .build();
        }
      }
    }
    return getRequeueDeadLettersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse> getDropDeadLettersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DropDeadLetters",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse> getDropDeadLettersMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest, switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse> getDropDeadLettersMethod;
    if ((getDropDeadLettersMethod = ConsumerGroupServiceGrpc.getDropDeadLettersMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getDropDeadLettersMethod = ConsumerGroupServiceGrpc.getDropDeadLettersMethod) == null) {
          ConsumerGroupServiceGrpc.getDropDeadLettersMethod = getDropDeadLettersMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest, switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DropDeadLetters"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("DropDeadLetters"))
              .build();
        }
      }
    }
    return getDropDeadLettersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse> getDeleteGroupMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteGroup",
      requestType = switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest.class,
      responseType = switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest,
      switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse> getDeleteGroupMethod() {
    io.grpc.MethodDescriptor<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest, switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse> getDeleteGroupMethod;
    if ((getDeleteGroupMethod = ConsumerGroupServiceGrpc.getDeleteGroupMethod) == null) {
      synchronized (ConsumerGroupServiceGrpc.class) {
        if ((getDeleteGroupMethod = ConsumerGroupServiceGrpc.getDeleteGroupMethod) == null) {
          ConsumerGroupServiceGrpc.getDeleteGroupMethod = getDeleteGroupMethod =
              io.grpc.MethodDescriptor.<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest, switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteGroup"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ConsumerGroupServiceMethodDescriptorSupplier("DeleteGroup"))
              .build();
        }
      }
    }
    return getDeleteGroupMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static ConsumerGroupServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ConsumerGroupServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ConsumerGroupServiceStub>() {
        @java.lang.Override
        public ConsumerGroupServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ConsumerGroupServiceStub(channel, callOptions);
        }
      };
    return ConsumerGroupServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static ConsumerGroupServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ConsumerGroupServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ConsumerGroupServiceBlockingStub>() {
        @java.lang.Override
        public ConsumerGroupServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ConsumerGroupServiceBlockingStub(channel, callOptions);
        }
      };
    return ConsumerGroupServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static ConsumerGroupServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ConsumerGroupServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ConsumerGroupServiceFutureStub>() {
        @java.lang.Override
        public ConsumerGroupServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ConsumerGroupServiceFutureStub(channel, callOptions);
        }
      };
    return ConsumerGroupServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Operates consumer groups (EventStream.Consume). With tokens configured,
   * every call needs one, and a token sees and manages only the groups whose
   * filter lies within its grant. Errors: NOT_FOUND for an unknown group,
   * INVALID_ARGUMENT for a malformed request.
   * </pre>
   */
  public static abstract class ConsumerGroupServiceImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * Every group (within the token's grant), with its state.
     * </pre>
     */
    public void listGroups(switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListGroupsMethod(), responseObserver);
    }

    /**
     * <pre>
     * One group, with its members.
     * </pre>
     */
    public void getGroup(switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetGroupMethod(), responseObserver);
    }

    /**
     * <pre>
     * Moves a group's position: events after it are delivered (again), events
     * up to it count as acked. Events members hold now are forgotten (their
     * acks are rejected). Dead letters stay.
     * </pre>
     */
    public void seekGroup(switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSeekGroupMethod(), responseObserver);
    }

    /**
     * <pre>
     * A group's dead letters, oldest first, a page at a time.
     * </pre>
     */
    public void listDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListDeadLettersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Delivers dead letters to the group again, with fresh attempts.
     * </pre>
     */
    public void requeueDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRequeueDeadLettersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Forgets dead letters (the events stay in the log).
     * </pre>
     */
    public void dropDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDropDeadLettersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes a group and its state; its members' streams end with ABORTED.
     * </pre>
     */
    public void deleteGroup(switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteGroupMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getListGroupsMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse>(
                  this, METHODID_LIST_GROUPS)))
          .addMethod(
            getGetGroupMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse>(
                  this, METHODID_GET_GROUP)))
          .addMethod(
            getSeekGroupMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse>(
                  this, METHODID_SEEK_GROUP)))
          .addMethod(
            getListDeadLettersMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse>(
                  this, METHODID_LIST_DEAD_LETTERS)))
          .addMethod(
            getRequeueDeadLettersMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse>(
                  this, METHODID_REQUEUE_DEAD_LETTERS)))
          .addMethod(
            getDropDeadLettersMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse>(
                  this, METHODID_DROP_DEAD_LETTERS)))
          .addMethod(
            getDeleteGroupMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest,
                switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse>(
                  this, METHODID_DELETE_GROUP)))
          .build();
    }
  }

  /**
   * <pre>
   * Operates consumer groups (EventStream.Consume). With tokens configured,
   * every call needs one, and a token sees and manages only the groups whose
   * filter lies within its grant. Errors: NOT_FOUND for an unknown group,
   * INVALID_ARGUMENT for a malformed request.
   * </pre>
   */
  public static final class ConsumerGroupServiceStub extends io.grpc.stub.AbstractAsyncStub<ConsumerGroupServiceStub> {
    private ConsumerGroupServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ConsumerGroupServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ConsumerGroupServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Every group (within the token's grant), with its state.
     * </pre>
     */
    public void listGroups(switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListGroupsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * One group, with its members.
     * </pre>
     */
    public void getGroup(switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetGroupMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Moves a group's position: events after it are delivered (again), events
     * up to it count as acked. Events members hold now are forgotten (their
     * acks are rejected). Dead letters stay.
     * </pre>
     */
    public void seekGroup(switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSeekGroupMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * A group's dead letters, oldest first, a page at a time.
     * </pre>
     */
    public void listDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListDeadLettersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Delivers dead letters to the group again, with fresh attempts.
     * </pre>
     */
    public void requeueDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRequeueDeadLettersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Forgets dead letters (the events stay in the log).
     * </pre>
     */
    public void dropDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDropDeadLettersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes a group and its state; its members' streams end with ABORTED.
     * </pre>
     */
    public void deleteGroup(switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest request,
        io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteGroupMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * <pre>
   * Operates consumer groups (EventStream.Consume). With tokens configured,
   * every call needs one, and a token sees and manages only the groups whose
   * filter lies within its grant. Errors: NOT_FOUND for an unknown group,
   * INVALID_ARGUMENT for a malformed request.
   * </pre>
   */
  public static final class ConsumerGroupServiceBlockingStub extends io.grpc.stub.AbstractBlockingStub<ConsumerGroupServiceBlockingStub> {
    private ConsumerGroupServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ConsumerGroupServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ConsumerGroupServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Every group (within the token's grant), with its state.
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse listGroups(switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListGroupsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * One group, with its members.
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse getGroup(switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetGroupMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Moves a group's position: events after it are delivered (again), events
     * up to it count as acked. Events members hold now are forgotten (their
     * acks are rejected). Dead letters stay.
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse seekGroup(switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSeekGroupMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * A group's dead letters, oldest first, a page at a time.
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse listDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListDeadLettersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Delivers dead letters to the group again, with fresh attempts.
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse requeueDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRequeueDeadLettersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Forgets dead letters (the events stay in the log).
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse dropDeadLetters(switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDropDeadLettersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a group and its state; its members' streams end with ABORTED.
     * </pre>
     */
    public switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse deleteGroup(switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteGroupMethod(), getCallOptions(), request);
    }
  }

  /**
   * <pre>
   * Operates consumer groups (EventStream.Consume). With tokens configured,
   * every call needs one, and a token sees and manages only the groups whose
   * filter lies within its grant. Errors: NOT_FOUND for an unknown group,
   * INVALID_ARGUMENT for a malformed request.
   * </pre>
   */
  public static final class ConsumerGroupServiceFutureStub extends io.grpc.stub.AbstractFutureStub<ConsumerGroupServiceFutureStub> {
    private ConsumerGroupServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ConsumerGroupServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ConsumerGroupServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Every group (within the token's grant), with its state.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse> listGroups(
        switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListGroupsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * One group, with its members.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse> getGroup(
        switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetGroupMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Moves a group's position: events after it are delivered (again), events
     * up to it count as acked. Events members hold now are forgotten (their
     * acks are rejected). Dead letters stay.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse> seekGroup(
        switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSeekGroupMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * A group's dead letters, oldest first, a page at a time.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse> listDeadLetters(
        switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListDeadLettersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Delivers dead letters to the group again, with fresh attempts.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse> requeueDeadLetters(
        switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRequeueDeadLettersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Forgets dead letters (the events stay in the log).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse> dropDeadLetters(
        switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDropDeadLettersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes a group and its state; its members' streams end with ABORTED.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse> deleteGroup(
        switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteGroupMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_LIST_GROUPS = 0;
  private static final int METHODID_GET_GROUP = 1;
  private static final int METHODID_SEEK_GROUP = 2;
  private static final int METHODID_LIST_DEAD_LETTERS = 3;
  private static final int METHODID_REQUEUE_DEAD_LETTERS = 4;
  private static final int METHODID_DROP_DEAD_LETTERS = 5;
  private static final int METHODID_DELETE_GROUP = 6;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final ConsumerGroupServiceImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(ConsumerGroupServiceImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_LIST_GROUPS:
          serviceImpl.listGroups((switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.ListGroupsResponse>) responseObserver);
          break;
        case METHODID_GET_GROUP:
          serviceImpl.getGroup((switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupResponse>) responseObserver);
          break;
        case METHODID_SEEK_GROUP:
          serviceImpl.seekGroup((switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.SeekGroupResponse>) responseObserver);
          break;
        case METHODID_LIST_DEAD_LETTERS:
          serviceImpl.listDeadLetters((switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.ListDeadLettersResponse>) responseObserver);
          break;
        case METHODID_REQUEUE_DEAD_LETTERS:
          serviceImpl.requeueDeadLetters((switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.RequeueDeadLettersResponse>) responseObserver);
          break;
        case METHODID_DROP_DEAD_LETTERS:
          serviceImpl.dropDeadLetters((switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.DropDeadLettersResponse>) responseObserver);
          break;
        case METHODID_DELETE_GROUP:
          serviceImpl.deleteGroup((switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupRequest) request,
              (io.grpc.stub.StreamObserver<switchboard.v1.ConsumerGroupServiceOuterClass.DeleteGroupResponse>) responseObserver);
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
        default:
          throw new AssertionError();
      }
    }
  }

  private static abstract class ConsumerGroupServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    ConsumerGroupServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return switchboard.v1.ConsumerGroupServiceOuterClass.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("ConsumerGroupService");
    }
  }

  private static final class ConsumerGroupServiceFileDescriptorSupplier
      extends ConsumerGroupServiceBaseDescriptorSupplier {
    ConsumerGroupServiceFileDescriptorSupplier() {}
  }

  private static final class ConsumerGroupServiceMethodDescriptorSupplier
      extends ConsumerGroupServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    ConsumerGroupServiceMethodDescriptorSupplier(String methodName) {
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
      synchronized (ConsumerGroupServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new ConsumerGroupServiceFileDescriptorSupplier())
              .addMethod(getListGroupsMethod())
              .addMethod(getGetGroupMethod())
              .addMethod(getSeekGroupMethod())
              .addMethod(getListDeadLettersMethod())
              .addMethod(getRequeueDeadLettersMethod())
              .addMethod(getDropDeadLettersMethod())
              .addMethod(getDeleteGroupMethod())
              .build();
        }
      }
    }
    return result;
  }
}
