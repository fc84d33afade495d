package dev.fearless.samples.service;

import dev.fearless.lock.HeldLocks;
import dev.fearless.lock.Locks;
import dev.fearless.lock.OrderedLock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Accounts and transfers. Every balance is reachable only under its account's lock, and a
 * transfer takes both accounts' locks together through the multi-lock ({@link Locks#lockAll}),
 * so two opposite transfers between the same accounts cannot deadlock; the total takes every
 * lock at once, so it sees no transfer half done and never changes.
 */
final class Bank {

    /** An account: the balance is read and written only while {@link #lock} is held. */
    private static final class Account {
        final String id;
        final OrderedLock lock;
        long balance;                       // guarded by lock

        Account(String id, long balance) {
            this.id = id;
            this.lock = new OrderedLock("account-" + id, "Account");
            this.balance = balance;
        }
    }

    /** The request names an account that does not exist. */
    static final class UnknownAccountException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownAccountException(String id) {
            super("unknown account: " + id);
        }
    }

    /** The source account holds less than the amount. */
    static final class InsufficientFundsException extends Exception {
        private static final long serialVersionUID = 1L;

        InsufficientFundsException(String id, long balance, long amount) {
            super("insufficient funds: account " + id + " holds " + balance + ", transfer needs " + amount);
        }
    }

    record Transfer(String from, long fromBalance, String to, long toBalance, long amount) {}

    record Total(long total, int accounts) {}

    private final Map<String, Account> accounts;   // immutable after construction
    private final List<OrderedLock> allLocks;

    Bank(int count, long initialBalance) {
        if (count < 2) {
            throw new IllegalArgumentException("count must be at least 2: " + count);
        }
        Map<String, Account> map = new LinkedHashMap<>();
        List<OrderedLock> locks = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Account account = new Account("acc-" + i, initialBalance);
            map.put(account.id, account);
            locks.add(account.lock);
        }
        this.accounts = Collections.unmodifiableMap(map);
        this.allLocks = List.copyOf(locks);
    }

    List<String> ids() {
        return List.copyOf(accounts.keySet());
    }

    /**
     * Moves {@code amount} from one account to another, or changes nothing.
     *
     * @throws IllegalArgumentException if the amount is not positive or the accounts are the same
     */
    Transfer transfer(String fromId, String toId, long amount)
            throws UnknownAccountException, InsufficientFundsException {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        Account from = account(fromId);
        Account to = account(toId);
        if (from == to) {
            throw new IllegalArgumentException("from and to must be different accounts: " + fromId);
        }
        try (HeldLocks _ = Locks.lockAll(from.lock, to.lock)) {   // any order: the multi-lock orders them
            if (from.balance < amount) {
                throw new InsufficientFundsException(fromId, from.balance, amount);
            }
            from.balance -= amount;
            to.balance += amount;
            journal();                                    // the write-ahead record, under both locks
            return new Transfer(fromId, from.balance, toId, to.balance, amount);
        }
    }

    OptionalLong balance(String id) {
        Account account = accounts.get(id);
        if (account == null) {
            return OptionalLong.empty();
        }
        account.lock.lock();
        try {
            return OptionalLong.of(account.balance);
        } finally {
            account.lock.unlock();
        }
    }

    /** The sum of every balance, taken under every account's lock at once: a consistent snapshot. */
    Total total() {
        try (HeldLocks _ = Locks.lockAll(allLocks)) {
            long sum = 0;
            for (Account account : accounts.values()) {
                sum += account.balance;
            }
            return new Total(sum, accounts.size());
        }
    }

    /** Stands for writing the transfer to a journal: a short blocking write while both locks are held. */
    private static void journal() {
        try {
            Thread.sleep(0, 200_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(800_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();              // the transfer is done; keep the flag for the caller
        }
    }

    private Account account(String id) throws UnknownAccountException {
        Account account = accounts.get(id);
        if (account == null) {
            throw new UnknownAccountException(id);
        }
        return account;
    }
}
