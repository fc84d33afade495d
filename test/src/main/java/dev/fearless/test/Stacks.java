package dev.fearless.test;

import org.jspecify.annotations.Nullable;

/** Short descriptions of a thread's stack for reports. */
final class Stacks {

    private Stacks() {}

    private static boolean library(String type) {
        return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")
                || type.startsWith("dev.fearless.scope.") || type.startsWith("dev.fearless.channel.")
                || type.startsWith("dev.fearless.handle.") || type.startsWith("dev.fearless.lock.")
                || type.startsWith("dev.fearless.bridge.") || type.startsWith("dev.fearless.telemetry.")
                || type.startsWith("dev.fearless.internal.") || type.equals(Explorer.class.getName())
                || type.startsWith(Run.class.getName()) || type.equals(VirtualClock.class.getName());
    }

    /** The first frame of user code, such as {@code Test.lambda$x$1(Test.java:42)}. */
    static @Nullable String userFrame(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (!library(frame.getClassName())) {
                return shortName(frame.getClassName()) + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
                        + frame.getLineNumber() + ")";
            }
        }
        return null;
    }

    /** The library call that user code made, such as {@code ReentrantLock.lock}. */
    static String operation(StackTraceElement[] stack) {
        StackTraceElement call = null;
        StackTraceElement toolkit = null;           // for a thread with no user frame (a scope's deadline thread)
        boolean user = false;
        for (StackTraceElement frame : stack) {
            if (!library(frame.getClassName())) {
                user = true;
                break;
            }
            call = frame;
            if (frame.getClassName().startsWith("dev.fearless.") && !frame.getClassName().startsWith("dev.fearless.internal.")
                    && !frame.getClassName().startsWith("dev.fearless.test.") && !frame.getClassName().contains("$$Lambda")) {
                toolkit = frame;
            }
        }
        if (!user && toolkit != null) {
            call = toolkit;
        }
        if (call == null) {
            return stack.length == 0 ? "?" : shortName(stack[0].getClassName()) + "." + stack[0].getMethodName();
        }
        return shortName(call.getClassName()) + "." + call.getMethodName();
    }

    static boolean inObjectWait(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals("java.lang.Object") && frame.getMethodName().startsWith("wait")) {
                return true;
            }
        }
        return false;
    }

    static boolean inIo(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String type = frame.getClassName();
            if (type.startsWith("sun.nio.") || type.startsWith("java.net.") || type.startsWith("java.io.")
                    || type.startsWith("sun.net.") || type.startsWith("java.nio.channels.")) {
                return true;
            }
        }
        return false;
    }

    private static String shortName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
