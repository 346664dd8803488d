package org.flinkmobilenet.job;

/** A command line the job cannot run with; the message says what to change. */
public final class InvalidOptionsException extends Exception {

    public InvalidOptionsException(String message) {
        super(message);
    }
}
